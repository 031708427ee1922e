import type { Command } from "commander";
import { z } from "zod";
import type { OpcodeInput } from "../../cluster/jobs/model.js";
import { DiskTemplateSchema } from "../../cluster/state/instance-schema.js";
import { printLines, UsageError } from "../common.js";
import { addJobOptions, type JobOptions } from "../jobs/job-options.js";
import { opResult, runJob } from "../jobs/runner.js";
import { checkRequest } from "../options.js";
import { collect, parseIdentKeyValues, parseKeyValues } from "./keyval.js";
import { instanceName } from "./names.js";
import { beParams, byIndex, diskParams, hvParams, hypervisorOf, isHvParameter, nicParams, osParams, parseIndex } from "./params.js";
import { parseSize } from "./sizes.js";

/** The options of `add`, as commander names them. */
export interface AddOptions extends JobOptions {
  node?: string;
  iallocator?: string;
  osType?: string;
  diskTemplate?: string;
  osSize?: string;
  disk?: string[];
  backendParameters?: string;
  hypervisorParameters?: string;
  osParameters?: string;
  net?: string[];
  /** false with --no-nics */
  nics: boolean;
  /** false with --no-start */
  start: boolean;
  /** false with --no-install */
  install: boolean;
  ipCheck: boolean;
  nameCheck: boolean;
}

const MAX_DISKS = 16;
const MAX_NICS = 8;

/**
 * -H's text. Ganeti's add takes HYPERVISOR[:key=value,...]; alkor has only
 * kvm, so the prefix may be left out (but another hypervisor is refused).
 * A word before the first colon with no `=` in it is the hypervisor, so
 * vnc_bind_address=::1 is not mistaken for one.
 */
export function hypervisorOption(text: string, what = "-H"): { hypervisor: boolean; hvparams: ReturnType<typeof hvParams> } {
  const colon = text.indexOf(":");
  const head = colon < 0 ? text : text.slice(0, colon);
  // A bare parameter (serial_console, no_serial_console) is a true/false value, not a hypervisor.
  const bareParameter = colon < 0 && isHvParameter(head.replace(/^(no_|-)/, ""));
  if (/^[A-Za-z][\w-]*$/.test(head) && (colon >= 0 || !text.includes("=")) && !bareParameter) {
    hypervisorOf(head, what);
    return { hypervisor: true, hvparams: hvParams(parseKeyValues(colon < 0 ? "" : text.slice(colon + 1), what), what) };
  }
  return { hypervisor: false, hvparams: hvParams(parseKeyValues(text, what), what) };
}

/** --disk N:size=SIZE,... options (or -s SIZE) as the opcode's disks. */
function disksOf(options: AddOptions, template: string): unknown[] {
  const given = options.disk ?? [];
  if (options.osSize !== undefined && given.length > 0) throw new UsageError("Give either -s or --disk, not both.");
  const disks =
    options.osSize !== undefined
      ? [{ size: parseSize(options.osSize, "-s") }]
      : byIndex(
          given.map((text) => {
            const { ident, values } = parseIdentKeyValues(text, "--disk");
            const index = parseIndex(ident, "--disk", MAX_DISKS);
            return { index, value: diskParams(values, `--disk ${index}`) };
          }),
          "--disk",
        );
  if (template === "diskless" && disks.length > 0) throw new UsageError("The diskless template takes no disks; leave out -s and --disk.");
  if (template !== "diskless" && disks.length === 0) throw new UsageError(`The ${template} template needs a disk: give -s SIZE or --disk 0:size=SIZE.`);
  return disks;
}

/** --net N:mac=,ip=,mode=,link=,name= options as the opcode's nics; none given leaves the opcode's default of one NIC. */
function nicsOf(options: AddOptions): unknown[] | undefined {
  const given = options.net ?? [];
  if (!options.nics) {
    if (given.length > 0) throw new UsageError("Give either --net or --no-nics, not both.");
    return [];
  }
  if (given.length === 0) return undefined;
  return byIndex(
    given.map((text) => {
      const { ident, values } = parseIdentKeyValues(text, "--net");
      const index = parseIndex(ident, "--net", MAX_NICS);
      return { index, value: nicParams(values, `--net ${index}`) };
    }),
    "--net",
  );
}

/** -n PRIMARY[:SECONDARY] (Ganeti's SplitNodeOption). */
function nodesOf(text: string): { pnode: string; snode?: string } {
  const [pnode, snode, ...rest] = text.split(":");
  if (!pnode || snode === "" || rest.length > 0) throw new UsageError(`Invalid -n ${JSON.stringify(text)}: expected PRIMARY or PRIMARY:SECONDARY.`);
  return snode === undefined ? { pnode } : { pnode, snode };
}

/** The OP_INSTANCE_CREATE that `alkor-instance add` submits, checked on the command line first. */
export function instanceCreateOp(name: string, options: AddOptions): OpcodeInput {
  const instance = instanceName(name);
  if (options.osType === undefined) throw new UsageError("Give the instance's OS with -o OS[+VARIANT] (alkor-os list shows them).");
  if (options.diskTemplate === undefined) throw new UsageError("Give the disk template with -t (diskless, file or plain).");
  const template = checkRequest(DiskTemplateSchema, options.diskTemplate, { "": "-t" });
  if (options.node !== undefined && options.iallocator !== undefined) throw new UsageError("Give either -n or -I, not both.");
  const hv = options.hypervisorParameters === undefined ? undefined : hypervisorOption(options.hypervisorParameters);
  const nics = nicsOf(options);
  return {
    OP_ID: "OP_INSTANCE_CREATE",
    instance_name: instance,
    os_type: options.osType,
    disk_template: template,
    disks: disksOf(options, template),
    ...(nics === undefined ? {} : { nics }),
    ...(options.node === undefined ? {} : nodesOf(options.node)),
    ...(options.iallocator === undefined ? {} : { iallocator: options.iallocator }),
    ...(options.backendParameters === undefined ? {} : { beparams: beParams(parseKeyValues(options.backendParameters, "-B")) }),
    ...(hv === undefined ? {} : { hvparams: hv.hvparams, ...(hv.hypervisor ? { hypervisor: "kvm" } : {}) }),
    ...(options.osParameters === undefined ? {} : { osparams: osParams(parseKeyValues(options.osParameters, "-O")) }),
    start: options.start,
    no_install: !options.install,
    // Accepted as Ganeti's are; alkor neither resolves names nor pings addresses.
    ...(options.ipCheck ? {} : { ip_check: false }),
    ...(options.nameCheck ? {} : { name_check: false }),
  };
}

/** add's options, with Ganeti's names. */
function addCreateOptions(command: Command): Command {
  return command
    .option("-n, --node <node[:secondary]>", "the primary node (a secondary only for mirrored templates)")
    .option("-I, --iallocator <name>", "choose the node with this allocator instead (alkor's is hail, also the default)")
    .option("-o, --os-type <os[+variant]>", "the OS to install (alkor-os list)")
    .option("-t, --disk-template <template>", "diskless, file or plain")
    .option("-s, --os-size <size>", "one disk of this size (512M, 10G, 1T; a plain number is MiB)")
    .option("--disk <N:size=SIZE[,mode=ro|rw][,name=NAME][,format=qcow2]>", "disk N (repeat for more disks)", collect)
    .option("-B, --backend-parameters <params>", "maxmem=,minmem=,memory=,vcpus=,auto_balance=,always_failover=")
    .option("-H, --hypervisor-parameters <[kvm:]params>", "kvm parameters: kernel_path=,initrd_path=,kernel_args=,root_path=,boot_order=,serial_console=,vnc_bind_address=")
    .option("--net <N:params>", "NIC N: mac=,ip=,mode=,link=,name= (repeat for more NICs; default one NIC)", collect)
    .option("--no-nics", "create the instance without NICs")
    .option("-O, --os-parameters <params>", "OS parameters, key=value,...")
    .option("--no-start", "do not start the instance once it is created")
    .option("--no-install", "do not run the OS's create script (the disks stay empty)")
    .option("--no-ip-check", "accepted for Ganeti's sake; alkor checks no addresses")
    .option("--no-name-check", "accepted for Ganeti's sake; alkor resolves no names");
}

export function addInstanceAddCommand(program: Command): void {
  const command = program
    .command("add")
    .description("create an instance: -t TEMPLATE -s SIZE -o OS [-n NODE | -I hail] NAME")
    .argument("<instance>", "the new instance's name");
  addJobOptions(addCreateOptions(command)).action(async (name: string, options: AddOptions) => {
    const op = instanceCreateOp(name, options);
    const results = await runJob([op], options);
    if (results === null) return;
    const [primary] = opResult(z.array(z.string()), results[0], "OP_INSTANCE_CREATE");
    printLines([`Instance ${op.instance_name as string} was created on ${primary ?? "its primary node"}.`]);
  });
}
