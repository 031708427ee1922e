import { z } from "zod";
import { checkLvmName } from "../../host/storage/names.js";
import { AlkorError } from "../../model/errors.js";
import { filledBeParams, InstanceDefaultsSchema, NicParamsSchema, type InstanceDefaults } from "../state/instance-schema.js";
import type { ClusterState, ObjectCommand } from "../state/schema.js";
import type { OpcodeDefinition } from "./definition.js";
import { BeParamsInputSchema, beOverrides, HvParamsInputSchema } from "./instance-params.js";

/** alkor's only hypervisor: Ganeti keys hypervisor parameters by hypervisor. */
const hypervisor = "kvm";

/**
 * beparams and nicparams as Ganeti shows them in /2/info, `{default: {...}}`,
 * or flat as gnt-cluster modify sends them; kept flat (the queue parses the
 * stored parameters again when the job runs). A key the group does not have
 * is refused naming the group, as the job's error only names paths.
 */
function defaultGroup<T extends z.ZodObject>(group: string, schema: T) {
  const known = Object.keys(schema.shape);
  return z.preprocess(
    (value) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
      const keys = Object.keys(value);
      return keys.length === 1 && keys[0] === "default" ? (value as { default: unknown }).default : value;
    },
    z
      .record(z.string(), z.unknown())
      .superRefine((values, context) => {
        for (const key of Object.keys(values)) {
          if (!known.includes(key)) context.addIssue({ code: "custom", path: [key], message: `not a ${group} parameter; give {"default": {...}} or the parameters themselves: ${known.join(", ")}` });
        }
      })
      .pipe(schema),
  );
}

/** `{kvm: {...}}`: any other hypervisor is refused by name. */
const HvParamsByHypervisorSchema = z
  .record(z.string(), z.unknown())
  .superRefine((groups, context) => {
    for (const name of Object.keys(groups)) {
      if (name !== hypervisor) context.addIssue({ code: "custom", path: [name], message: `hypervisor parameters go under "${hypervisor}", the only hypervisor alkor runs` });
    }
  })
  .pipe(z.object({ [hypervisor]: HvParamsInputSchema }).strict());

const FileStorageDirSchema = z
  .string()
  .refine((path) => path.startsWith("/") && !path.split("/").some((part) => part === "." || part === ".."), "must be an absolute path without . or .. components")
  .pipe(InstanceDefaultsSchema.shape.fileStorageDir);

const VolumeGroupSchema = InstanceDefaultsSchema.shape.volumeGroup.refine((name) => {
  try {
    checkLvmName("volume group", name);
    return true;
  } catch {
    return false;
  }
}, "must be an LVM volume group name: letters, digits and + _ . -, not starting with -");

/** Three octets; the first even, or every generated MAC would be a multicast address. */
const MacPrefixSchema = z
  .string()
  .regex(/^[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/, "must be three lower-case hex pairs separated by colons, e.g. aa:00:00")
  .refine((prefix) => (parseInt(prefix.slice(0, 2), 16) & 1) === 0, "must be unicast (the first octet even)");

const Params = z
  .object({
    candidate_pool_size: z.number().int().min(1).max(99).optional(),
    /** alkor's: ended jobs are archived (dropped from the cluster state) this many seconds after they end. */
    job_archive_age: z.number().int().min(60).max(365 * 86_400).optional(),
    /** Default backend parameters of instances (gnt-cluster modify -B). */
    beparams: defaultGroup("backend", BeParamsInputSchema).optional(),
    /** Default hypervisor parameters, by hypervisor (-H kvm:...). */
    hvparams: HvParamsByHypervisorSchema.optional(),
    /** Default NIC parameters (-N). */
    nicparams: defaultGroup("NIC", NicParamsSchema.partial().strict()).optional(),
    file_storage_dir: FileStorageDirSchema.optional(),
    vg_name: VolumeGroupSchema.optional(),
    mac_prefix: MacPrefixSchema.optional(),
  })
  .strict();
type Params = z.infer<typeof Params>;

/** OP_CLUSTER_SET_PARAMS: the cluster's settings and instances' defaults (alkor-cluster modify, PUT /2/modify). */
export const clusterSetParams: OpcodeDefinition<Params> = {
  id: "OP_CLUSTER_SET_PARAMS",
  params: Params,
  locks: () => [{ level: "cluster", name: "cluster", mode: "exclusive" }],
  sideEffects: false,
  check(params, context) {
    if (Object.values(params).every((value) => value === undefined)) throw new AlkorError("wrong_input", "Nothing to change: give at least one option.");
    defaultsChanges(params, context.state());
  },
  async run(params, context) {
    const effects: ObjectCommand[] = [];
    const result: Array<[string, unknown]> = [];
    if (params.candidate_pool_size !== undefined) {
      effects.push({ kind: "cluster.modify", changes: { candidatePoolSize: params.candidate_pool_size } });
      result.push(["candidate_pool_size", params.candidate_pool_size]);
    }
    if (params.job_archive_age !== undefined) {
      effects.push({ kind: "queue.modify", changes: { archiveAfterMs: params.job_archive_age * 1000 } });
      result.push(["job_archive_age", params.job_archive_age]);
    }
    const changes = defaultsChanges(params, context.state());
    if (Object.keys(changes).length > 0) {
      effects.push({ kind: "instance.defaults", changes });
      if (changes.beparams) result.push(["beparams", changes.beparams]);
      if (changes.hvparams) result.push(["hvparams", { [hypervisor]: changes.hvparams }]);
      if (changes.nicparams) result.push(["nicparams", changes.nicparams]);
      if (changes.fileStorageDir !== undefined) result.push(["file_storage_dir", changes.fileStorageDir]);
      if (changes.volumeGroup !== undefined) result.push(["vg_name", changes.volumeGroup]);
      if (changes.macPrefix !== undefined) result.push(["mac_prefix", changes.macPrefix]);
    }
    return { result, effects };
  },
};

/**
 * The instance defaults the parameters ask for, each group merged over the
 * current one (instance.defaults replaces whole groups), checked against what
 * the instances already configured would run with.
 */
function defaultsChanges(params: Params, state: ClusterState): Partial<InstanceDefaults> {
  const current = state.instanceDefaults;
  const changes: Partial<InstanceDefaults> = {};
  if (params.beparams !== undefined) {
    const beparams = { ...current.beparams, ...beOverrides(params.beparams) };
    if (beparams.minmem > beparams.maxmem) {
      throw new AlkorError("wrong_input", `Parameter beparams: the default minmem (${beparams.minmem} MiB) would be above the default maxmem (${beparams.maxmem} MiB).`);
    }
    // An instance that overrides only one of the two must still run with minmem ≤ maxmem.
    for (const instance of Object.values(state.instances)) {
      const be = filledBeParams(instance, { ...current, beparams });
      if (be.minmem > be.maxmem) {
        throw new AlkorError("wrong_input", `Parameter beparams: instance ${instance.name} would run with minmem ${be.minmem} MiB, above its maxmem ${be.maxmem} MiB (its own values over the new defaults).`);
      }
    }
    changes.beparams = beparams;
  }
  if (params.hvparams !== undefined) changes.hvparams = { ...current.hvparams, ...params.hvparams[hypervisor] };
  if (params.nicparams !== undefined) changes.nicparams = { ...current.nicparams, ...params.nicparams };
  // Disk paths are derived from these two, so moving them would lose the disks already made there.
  if (params.file_storage_dir !== undefined && params.file_storage_dir !== current.fileStorageDir) {
    refuseWhileDisksIn(state, "file", `the file storage directory ${current.fileStorageDir}`);
    changes.fileStorageDir = params.file_storage_dir;
  }
  if (params.vg_name !== undefined && params.vg_name !== current.volumeGroup) {
    refuseWhileDisksIn(state, "plain", `volume group ${current.volumeGroup}`);
    changes.volumeGroup = params.vg_name;
  }
  if (params.mac_prefix !== undefined) changes.macPrefix = params.mac_prefix;
  return changes;
}

function refuseWhileDisksIn(state: ClusterState, template: "file" | "plain", where: string): void {
  const holders = Object.values(state.instances)
    .filter((instance) => instance.diskTemplate === template && instance.disks.length > 0)
    .map((instance) => instance.name)
    .sort();
  if (holders.length > 0) {
    throw new AlkorError("wrong_state", `Instance(s) ${holders.join(", ")} keep their disks in ${where}, which cannot change while they do.`);
  }
}
