import { unreadableOutput } from "./tool-output.js";

// State names as DRBD 8.4 prints them (drbd_strings.c).
export const drbdConnectionStates = [
  "Unconfigured",
  "StandAlone",
  "Disconnecting",
  "Unconnected",
  "Timeout",
  "BrokenPipe",
  "NetworkFailure",
  "ProtocolError",
  "TearDown",
  "WFConnection",
  "WFReportParams",
  "Connected",
  "StartingSyncS",
  "StartingSyncT",
  "WFBitMapS",
  "WFBitMapT",
  "WFSyncUUID",
  "SyncSource",
  "SyncTarget",
  "VerifyS",
  "VerifyT",
  "PausedSyncS",
  "PausedSyncT",
  "Ahead",
  "Behind",
] as const;
export type DrbdConnectionState = (typeof drbdConnectionStates)[number];

export const drbdRoles = ["Primary", "Secondary", "Unknown"] as const;
export type DrbdRole = (typeof drbdRoles)[number];

export const drbdDiskStates = ["Diskless", "Attaching", "Failed", "Negotiating", "Inconsistent", "Outdated", "DUnknown", "Consistent", "UpToDate"] as const;
export type DrbdDiskState = (typeof drbdDiskStates)[number];

export interface DrbdSyncProgress {
  /** Share done, 0-100, one decimal as DRBD prints it. */
  percent: number;
  /** Over the last ~18 s (drbd_proc.c's rolling marks). */
  speedKiBps: number;
  /** Since the sync started, pauses excluded. */
  averageSpeedKiBps: number;
  /** DRBD's estimate of the time left. */
  etaSeconds: number;
  doneKiB: number;
  totalKiB: number;
  /** No progress for a while (DRBD appends "(stalled)"). */
  stalled: boolean;
}

/** One DRBD device (minor) as /proc/drbd shows it. */
export interface DrbdStatus {
  minor: number;
  connectionState: DrbdConnectionState;
  role: DrbdRole;
  peerRole: DrbdRole;
  diskState: DrbdDiskState;
  peerDiskState: DrbdDiskState;
  /** The wire protocol; null while no network configuration is loaded (StandAlone). */
  protocol: "A" | "B" | "C" | null;
  /** Data known to differ from the peer ("oos"). */
  outOfSyncKiB: number;
  /** While a resync or online verify runs, else null. */
  syncProgress: DrbdSyncProgress | null;
}

export interface ProcDrbd {
  /** e.g. "8.4.11". */
  version: string;
  devices: DrbdStatus[];
}

const command = "cat /proc/drbd";

/**
 * Parses /proc/drbd of DRBD 8.4 (drbd_proc.c: drbd_seq_show and
 * drbd_syncer_progress in Linux's drivers/block/drbd). Per minor:
 *
 *      0: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----
 *         ns:... oos:118876
 *     \t[=========>..........] sync'ed: 53.4% (118876/262140)K
 *     \tfinish: 0:00:05 speed: 23,564 (23,564) K/sec
 *
 * "(left/total)" is in MiB ("M") above 4 GiB of bitmap, else KiB ("K");
 * speeds are KiB/s with thousands separated by ",".
 */
export function parseProcDrbd(text: string): ProcDrbd {
  const lines = text.split("\n");
  const versionMatch = /^version: (\S+) /.exec(lines[0] ?? "");
  if (versionMatch === null) throw unreadableOutput(command, `the first line ("${lines[0] ?? ""}") is not "version: ..."`);
  const version = versionMatch[1]!;
  if (!version.startsWith("8.")) throw unreadableOutput(command, `it is DRBD ${version}, not 8.4`);

  const devices: DrbdStatus[] = [];
  let current: DrbdStatus | undefined;
  lines.slice(1).forEach((line, offset) => {
    const where = `line ${offset + 2}`;
    const head = /^\s*(\d+): cs:(\S+)(.*)$/.exec(line);
    if (head !== null) {
      current = deviceHead(Number(head[1]), head[2]!, head[3]!, where);
      devices.push(current);
      return;
    }
    if (current === undefined) return; // the build tag ("srcversion: ..." or "GIT-hash: ...") and blank lines
    const trimmed = line.trim();
    if (trimmed.startsWith("ns:")) {
      const oos = /(?:^|\s)oos:(\d+)(?:\s|$)/.exec(trimmed);
      if (oos === null) throw unreadableOutput(command, `${where}: minor ${current.minor}: no "oos:" count in "${trimmed}"`);
      current.outOfSyncKiB = Number(oos[1]);
    } else if (/^\[[=>.]*\] (sync'ed|verified):/.test(trimmed)) {
      current.syncProgress = { ...emptyProgress(), ...progressLine(trimmed, `${where}: minor ${current.minor}`) };
    } else if (trimmed.startsWith("finish:")) {
      if (current.syncProgress === null) throw unreadableOutput(command, `${where}: minor ${current.minor}: "finish:" without a progress line before it`);
      Object.assign(current.syncProgress, finishLine(trimmed, `${where}: minor ${current.minor}`));
    }
    // Other lines (resync/act_log statistics with proc_details >= 1, "sector pos:") carry nothing alkor reads.
  });
  return { version, devices };
}

function deviceHead(minor: number, connection: string, rest: string, where: string): DrbdStatus {
  if (connection === "Unconfigured") {
    return { minor, connectionState: "Unconfigured", role: "Secondary", peerRole: "Unknown", diskState: "Diskless", peerDiskState: "DUnknown", protocol: null, outOfSyncKiB: 0, syncProgress: null };
  }
  // " ro:%s/%s ds:%s/%s %c %c%c%c%c%c%c": the protocol is a space without a network configuration.
  const match = /^ ro:(\S+)\/(\S+) ds:(\S+)\/(\S+) ([ABC ]) [-\w]{6}\s*$/.exec(rest);
  if (match === null) throw unreadableOutput(command, `${where}: minor ${minor}: "${rest.trim()}" is not "ro:ROLE/ROLE ds:DISK/DISK PROTOCOL FLAGS"`);
  const protocol = match[5] === " " ? null : (match[5] as "A" | "B" | "C");
  return {
    minor,
    connectionState: oneOf(drbdConnectionStates, connection, `${where}: minor ${minor}: cs`),
    role: oneOf(drbdRoles, match[1]!, `${where}: minor ${minor}: ro`),
    peerRole: oneOf(drbdRoles, match[2]!, `${where}: minor ${minor}: ro (peer)`),
    diskState: oneOf(drbdDiskStates, match[3]!, `${where}: minor ${minor}: ds`),
    peerDiskState: oneOf(drbdDiskStates, match[4]!, `${where}: minor ${minor}: ds (peer)`),
    protocol,
    outOfSyncKiB: 0,
    syncProgress: null,
  };
}

function progressLine(line: string, where: string): Pick<DrbdSyncProgress, "percent" | "doneKiB" | "totalKiB"> {
  const match = /^\[[=>.]*\] (?:sync'ed|verified):\s*(\d+\.\d)% \((\d+)\/(\d+)\)([KM])/.exec(line);
  if (match === null) throw unreadableOutput(command, `${where}: "${line}" is not "[...] sync'ed: P% (LEFT/TOTAL)K"`);
  const unitKiB = match[4] === "M" ? 1024 : 1;
  const leftKiB = Number(match[2]) * unitKiB;
  const totalKiB = Number(match[3]) * unitKiB;
  return { percent: Number(match[1]), doneKiB: Math.max(0, totalKiB - leftKiB), totalKiB };
}

function finishLine(line: string, where: string): Pick<DrbdSyncProgress, "etaSeconds" | "speedKiBps" | "averageSpeedKiBps" | "stalled"> {
  // With proc_details >= 1 the parenthesis holds "3s-average -- long-term average".
  const match = /^finish: (\d+):(\d{2}):(\d{2}) speed: ([\d,]+) \((?:[\d,]+ -- )?([\d,]+)\)(?: want: [\d,]+)? K\/sec( \(stalled\))?$/.exec(line);
  if (match === null) throw unreadableOutput(command, `${where}: "${line}" is not "finish: H:MM:SS speed: N (N) K/sec"`);
  return {
    etaSeconds: Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]),
    speedKiBps: grouped(match[4]!),
    averageSpeedKiBps: grouped(match[5]!),
    stalled: match[6] !== undefined,
  };
}

function emptyProgress(): DrbdSyncProgress {
  return { percent: 0, speedKiBps: 0, averageSpeedKiBps: 0, etaSeconds: 0, doneKiB: 0, totalKiB: 0, stalled: false };
}

/** "23,564" → 23564 (seq_printf_with_thousands_grouping). */
function grouped(text: string): number {
  return Number(text.replaceAll(",", ""));
}

function oneOf<T extends string>(values: readonly T[], text: string, field: string): T {
  if ((values as readonly string[]).includes(text)) return text as T;
  throw unreadableOutput(command, `${field}: "${text}" is not one of DRBD 8.4's states`);
}
