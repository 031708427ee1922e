import { unreadableOutput } from "./tool-output.js";

/** A device-mapper device as `dmsetup info -c` reports it. */
export interface DmDevice {
  name: string;
  /** How many holders have it open (a filesystem, DRBD, a VM). */
  openCount: number;
  /** A table is loaded and live. */
  live: boolean;
  /** A table is loaded but not yet resumed. */
  inactiveTable: boolean;
  suspended: boolean;
  readOnly: boolean;
  major: number;
  minor: number;
}

/** One line of a device-mapper table: a target over `lengthSectors` sectors from `startSector`. */
export interface DmTableSegment {
  startSector: number;
  lengthSectors: number;
  /** e.g. "linear", "striped", "thin-pool". */
  target: string;
  /** The target's own arguments, e.g. ["254:16", "0"] for linear (device as major:minor, offset). */
  args: string[];
}

export const dmInfoFields = ["name", "open", "attr", "major", "minor"] as const;
const infoCommand = "dmsetup info -c --noheadings --separator : -o name,open,attr,major,minor";

/**
 * Parses `dmsetup info -c --noheadings --separator : -o name,open,attr,major,minor`.
 * attr is dmsetup's four characters: (L)ive table, (I)nactive table,
 * (s)uspended, (r)ead-only or (w)ritable (dmsetup.c, _dm_info_status_disp).
 * With no device at all dmsetup prints "No devices found".
 */
export function parseDmInfoColumns(stdout: string): DmDevice[] {
  const lines = stdout.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  if (lines.length === 1 && lines[0] === "No devices found") return [];
  return lines.map((line, index) => {
    // Names may not contain ":" in alkor's use, but split from the right to be safe.
    const parts = line.split(":");
    if (parts.length < 5) throw unreadableOutput(infoCommand, `line ${index + 1} ("${line}") does not have 5 fields`);
    const [openText, attr, majorText, minorText] = parts.slice(-4) as [string, string, string, string];
    const name = parts.slice(0, -4).join(":");
    const openCount = wholeNumber(openText);
    const major = wholeNumber(majorText);
    const minor = wholeNumber(minorText);
    if (name === "") throw unreadableOutput(infoCommand, `line ${index + 1}: name: is empty`);
    if (openCount === null) throw unreadableOutput(infoCommand, `line ${index + 1}: open: "${openText}" is not a count`);
    if (!/^[L-][I-][s-][rw]$/.test(attr)) throw unreadableOutput(infoCommand, `line ${index + 1}: attr: "${attr}" is not dmsetup's L/I/s/rw flags`);
    if (major === null || minor === null) throw unreadableOutput(infoCommand, `line ${index + 1}: major/minor: "${majorText}:${minorText}" are not numbers`);
    return { name, openCount, live: attr[0] === "L", inactiveTable: attr[1] === "I", suspended: attr[2] === "s", readOnly: attr[3] === "r", major, minor };
  });
}

/** Parses `dmsetup table NAME`: one "start length target args..." line per segment. */
export function parseDmTable(stdout: string): DmTableSegment[] {
  return stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line, index) => {
      const [startText, lengthText, target, ...args] = line.split(/\s+/);
      const startSector = wholeNumber(startText ?? "");
      const lengthSectors = wholeNumber(lengthText ?? "");
      if (startSector === null || lengthSectors === null || target === undefined) {
        throw unreadableOutput("dmsetup table", `line ${index + 1} ("${line}") is not "start length target args"`);
      }
      return { startSector, lengthSectors, target, args };
    });
}

function wholeNumber(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}
