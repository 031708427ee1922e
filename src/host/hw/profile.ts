import { join } from "node:path";
import { z } from "zod";
import { AlkorError, asAlkorError } from "../../model/errors.js";
import { naturalOrder, type Inventory, type InventoryDisk } from "./inventory.js";

const RegexSchema = z.string().min(1).refine(isRegex, "must be a valid regular expression");

/** A DMI field matches by exact string, or by regular expression. */
const DmiMatchSchema = z.union([
  z.string().min(1),
  z.strictObject({ regex: RegexSchema, ignoreCase: z.boolean().default(false) }),
]);
type DmiMatch = z.infer<typeof DmiMatchSchema>;

const dmiFields = ["manufacturer", "model", "sku"] as const;
type DmiField = (typeof dmiFields)[number];

/** All given fields must match; a profile without fields matches any hardware. */
const MatchSchema = z.strictObject({
  manufacturer: DmiMatchSchema.optional(),
  model: DmiMatchSchema.optional(),
  sku: DmiMatchSchema.optional(),
  /** Decides between matching profiles before specificity does. */
  priority: z.number().int().default(0),
});

/** Selects physical NICs; all given conditions must hold. */
const NicRuleSchema = z.strictObject({
  /** Regular expression on the interface name. */
  name: RegexSchema.optional(),
  /** e.g. "52:54:00" (QEMU) or "b8:ca:3a" (Dell). */
  macPrefix: z
    .string()
    .regex(/^[0-9a-f]{2}([:-][0-9a-f]{2}){0,5}$/i, "must be hex octets separated by colons")
    .transform((prefix) => prefix.toLowerCase().replaceAll("-", ":"))
    .optional(),
  /** The kernel reports no speed while the link is down, so a speed rule skips NICs without link. */
  minSpeedMbps: z.number().int().positive().optional(),
  defaultRoute: z.boolean().optional(),
  /** Take at most this many NICs, the first ones in name order. */
  count: z.number().int().positive().optional(),
});
type NicRule = z.infer<typeof NicRuleSchema>;

export const nicRoles = ["management", "replication", "vm"] as const;
export type NicRole = (typeof nicRoles)[number];

/** Per role, alternative rules tried in order: the first that selects a NIC wins. */
const NicRolesSchema = z.strictObject({
  management: z.array(NicRuleSchema).default([]),
  replication: z.array(NicRuleSchema).default([]),
  vm: z.array(NicRuleSchema).default([]),
});

/** Selects disks; all given conditions must hold, and at least one is required since selected disks are taken over. */
const DiskRuleSchema = z
  .strictObject({
    /** Regular expression on the kernel name, e.g. "^nvme\\d+n1$". */
    name: RegexSchema.optional(),
    model: RegexSchema.optional(),
    type: z.enum(["nvme", "ssd", "hdd", "unknown"]).optional(),
    interface: z.string().min(1).optional(),
    minBytes: z.number().int().positive().optional(),
  })
  .refine((rule) => Object.keys(rule).length > 0, "must give at least one condition");
type DiskRule = z.infer<typeof DiskRuleSchema>;

const DataDisksSchema = z.strictObject({
  /** A disk is a data disk when it matches any of these and none of exclude. */
  select: z.array(DiskRuleSchema).default([]),
  exclude: z.array(DiskRuleSchema).default([]),
  /** LVM volume group created on the data disks. */
  volumeGroup: z
    .string()
    .regex(/^[a-zA-Z0-9+_.][a-zA-Z0-9+_.-]{0,126}$/, "must be a valid LVM volume group name")
    .default("alkor"),
});

/**
 * How alkor reaches the BMC. "lanplus" also lets peers fence the node; "open"
 * (/dev/ipmi0) is local only. The address comes from the site config, or is
 * read from the BMC itself when it uses DHCP or a static address set by hand.
 */
const BmcSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({
    type: z.literal("ipmi"),
    interface: z.enum(["lanplus", "open"]).default("lanplus"),
    /** Cipher suite 3 (HMAC-SHA1, AES-CBC-128) is the IPMI 2.0 one every BMC supports. */
    cipherSuite: z.number().int().min(0).max(17).default(3),
    address: z.enum(["site-config", "dhcp", "static"]).default("site-config"),
  }),
]);

/** The front panel driver and its options. */
const PanelSchema = z.discriminatedUnion("driver", [
  z.strictObject({ driver: z.literal("none") }),
  /** Mirrors display states as SEL entries, for machines without a display. */
  z.strictObject({ driver: z.literal("ipmi-sel") }),
  /** Dell PowerEdge LCD through `ipmitool delloem lcd`. */
  z.strictObject({
    driver: z.literal("dell-lcd"),
    options: z
      .strictObject({
        /** iDRAC keeps at most 14 characters of user-defined text. */
        maxChars: z.number().int().min(1).max(14).default(14),
      })
      .default({ maxChars: 14 }),
  }),
]);

export const HardwareProfileSchema = z.strictObject({
  /** Equals the file name without ".json". */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/, "must be lower-case letters, digits and dashes"),
  description: z.string().max(1024).default(""),
  match: MatchSchema.default({ priority: 0 }),
  nicRoles: NicRolesSchema.default({ management: [], replication: [], vm: [] }),
  dataDisks: DataDisksSchema.default({ select: [], exclude: [], volumeGroup: "alkor" }),
  bmc: BmcSchema.default({ type: "none" }),
  panel: PanelSchema.default({ driver: "none" }),
});
export type HardwareProfile = z.infer<typeof HardwareProfileSchema>;

/** The profile used when no other matches. */
export const genericProfileName = "generic";

/** File access for loadProfiles(), injected so logic never reaches fs. */
export interface ProfileFiles {
  /** Names of the entries in dir. */
  list(dir: string): Promise<string[]>;
  read(path: string): Promise<string>;
}

/**
 * Reads and validates every *.json in dir. All bad files are reported
 * together, each with its file and field, so one boot shows every mistake.
 */
export async function loadProfiles(dir: string, files: ProfileFiles): Promise<HardwareProfile[]> {
  let names: string[];
  try {
    names = (await files.list(dir)).filter((name) => name.endsWith(".json")).sort();
  } catch (error) {
    throw new AlkorError("environment_error", `Cannot list hardware profiles in ${dir}: ${asAlkorError(error).message}`, { dir });
  }
  const profiles: HardwareProfile[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      profiles.push(parseProfile(file, name.slice(0, -".json".length), await files.read(file)));
    } catch (error) {
      problems.push(asAlkorError(error).message);
    }
  }
  if (problems.length > 0) {
    throw new AlkorError("wrong_input", `Invalid hardware profiles:\n${problems.join("\n")}`, { dir, problems });
  }
  return profiles;
}

/** Parses one profile file; errors name the file and each bad field. */
export function parseProfile(file: string, expectedName: string, content: string): HardwareProfile {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new AlkorError("wrong_input", `${file}: not valid JSON: ${asAlkorError(error).message}`, { file });
  }
  const parsed = HardwareProfileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${file}: field ${fieldPath(issue.path)}: ${issue.message}`);
    throw new AlkorError("wrong_input", fields.join("\n"), { file });
  }
  if (parsed.data.name !== expectedName) {
    throw new AlkorError("wrong_input", `${file}: field name: must be "${expectedName}", as the file is named`, { file });
  }
  return parsed.data;
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path.map((key, index) => (typeof key === "number" ? `[${key}]` : `${index > 0 ? "." : ""}${String(key)}`)).join("");
}

export interface ProfileMatch {
  profile: HardwareProfile;
  /** A sentence for the operator: why this profile. */
  reason: string;
}

/**
 * Picks the profile whose match rules hold for the inventory: highest
 * priority first, then the most specific (an exact field counts more than a
 * regex), then name order so the pick never depends on file order.
 */
export function matchProfile(inventory: Inventory, profiles: readonly HardwareProfile[]): ProfileMatch {
  const candidates = profiles
    .map((profile) => ({ profile, matched: matchedFields(inventory, profile) }))
    .filter((candidate): candidate is { profile: HardwareProfile; matched: string[] } => candidate.matched !== undefined)
    .sort(
      (a, b) =>
        b.profile.match.priority - a.profile.match.priority ||
        specificity(b.profile) - specificity(a.profile) ||
        naturalOrder(a.profile.name, b.profile.name),
    );
  const best = candidates[0];
  if (best !== undefined) {
    const why = best.matched.length > 0 ? best.matched.join(", ") : "it matches any hardware";
    return { profile: best.profile, reason: `Profile "${best.profile.name}" (priority ${best.profile.match.priority}): ${why}.` };
  }
  const dmi = `manufacturer "${inventory.system.manufacturer}", model "${inventory.system.model}", sku "${inventory.system.sku}"`;
  const generic = profiles.find((profile) => profile.name === genericProfileName);
  if (generic === undefined) {
    throw new AlkorError("unknown_entity", `No hardware profile matches DMI ${dmi}, and there is no "${genericProfileName}" profile.`);
  }
  return { profile: generic, reason: `No profile matches DMI ${dmi}; using "${genericProfileName}".` };
}

/** Descriptions of the fields that matched, or undefined when one does not. */
function matchedFields(inventory: Inventory, profile: HardwareProfile): string[] | undefined {
  const matched: string[] = [];
  for (const field of dmiFields) {
    const rule = profile.match[field];
    if (rule === undefined) continue;
    const value = inventory.system[field];
    if (!dmiMatches(rule, value)) return undefined;
    matched.push(typeof rule === "string" ? `${field} is "${value}"` : `${field} "${value}" matches /${rule.regex}/`);
  }
  return matched;
}

function dmiMatches(rule: DmiMatch, value: string): boolean {
  if (typeof rule === "string") return value === rule;
  return value !== "" && new RegExp(rule.regex, rule.ignoreCase ? "i" : "").test(value);
}

function specificity(profile: HardwareProfile): number {
  return dmiFields.reduce((sum, field: DmiField) => {
    const rule = profile.match[field];
    return sum + (rule === undefined ? 0 : typeof rule === "string" ? 2 : 1);
  }, 0);
}

export type NicRoleAssignment = Record<NicRole, string[]>;

/**
 * Names of the NICs in each role. Only physical NICs take roles; roles are
 * filled in the order management, replication, vm, and a NIC gets at most one.
 */
export function assignNicRoles(inventory: Inventory, profile: HardwareProfile): NicRoleAssignment {
  const free = inventory.nics.filter((nic) => !nic.virtual).sort((a, b) => naturalOrder(a.name, b.name));
  const assignment: NicRoleAssignment = { management: [], replication: [], vm: [] };
  for (const role of nicRoles) {
    for (const rule of profile.nicRoles[role]) {
      const taken = free.filter((nic) => nicMatches(rule, nic)).slice(0, rule.count);
      if (taken.length === 0) continue;
      assignment[role] = taken.map((nic) => nic.name);
      for (const nic of taken) free.splice(free.indexOf(nic), 1);
      break;
    }
  }
  return assignment;
}

function nicMatches(rule: NicRule, nic: Inventory["nics"][number]): boolean {
  return (
    (rule.name === undefined || new RegExp(rule.name).test(nic.name)) &&
    (rule.macPrefix === undefined || (nic.mac !== "" && nic.mac.startsWith(rule.macPrefix))) &&
    (rule.minSpeedMbps === undefined || nic.speedMbps >= rule.minSpeedMbps) &&
    (rule.defaultRoute === undefined || nic.defaultRoute === rule.defaultRoute)
  );
}

/**
 * The disks the profile takes for its volume group, in name order. Disks
 * holding a mounted filesystem and removable disks are never taken.
 */
export function selectDataDisks(inventory: Inventory, profile: HardwareProfile): InventoryDisk[] {
  const { select, exclude } = profile.dataDisks;
  return inventory.disks
    .filter((disk) => !disk.system && !disk.removable)
    .filter((disk) => select.some((rule) => diskMatches(rule, disk)) && !exclude.some((rule) => diskMatches(rule, disk)))
    .sort((a, b) => naturalOrder(a.name, b.name));
}

function diskMatches(rule: DiskRule, disk: InventoryDisk): boolean {
  return (
    (rule.name === undefined || new RegExp(rule.name).test(disk.name)) &&
    (rule.model === undefined || new RegExp(rule.model).test(disk.model)) &&
    (rule.type === undefined || disk.type === rule.type) &&
    (rule.interface === undefined || disk.interface === rule.interface) &&
    (rule.minBytes === undefined || disk.sizeBytes >= rule.minBytes)
  );
}

function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
