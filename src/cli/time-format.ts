/*
 * Instants as Ganeti's commands print them, in the local time zone as they
 * do (the caller's TZ decides).
 */

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

/**
 * Python's time.ctime(), which prefixes every job log line and the watcher's
 * pause: "Tue Nov 24 14:00:01 2026", the day of the month padded with a
 * space ("Sat Nov  7 ...").
 */
export function ctimeText(epochMs: number): string {
  const date = new Date(epochMs);
  const clock = [date.getHours(), date.getMinutes(), date.getSeconds()].map(twoDigits).join(":");
  return `${DAYS[date.getDay()]} ${MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, " ")} ${clock} ${date.getFullYear()}`;
}

/** Ganeti's FormatTime: "2026-11-24 14:00:01", with microseconds ("14:00:01.250000") as gnt-job info shows them. */
export function timestampText(epochMs: number, withMicroseconds = false): string {
  const date = new Date(epochMs);
  const day = [date.getFullYear(), twoDigits(date.getMonth() + 1), twoDigits(date.getDate())].join("-");
  const clock = [date.getHours(), date.getMinutes(), date.getSeconds()].map(twoDigits).join(":");
  const fraction = withMicroseconds ? `.${String(date.getMilliseconds() * 1000).padStart(6, "0")}` : "";
  return `${day} ${clock}${fraction}`;
}
