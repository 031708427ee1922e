import { Hypervisor as LibvirtConnection, type Domain } from "@unraid/libvirt";
import { AlkorError } from "../../model/errors.js";
import { domainXml } from "./domain-xml.js";
import type { DomainRunState, DomainRuntime, DomainSpec, Hypervisor, HypervisorNodeInfo } from "./hypervisor.js";
import { libvirtCodeOf, libvirtErrorCodes, loadLibvirtExtra, type LibvirtExtra } from "./libvirt-extra.js";

export interface LibvirtHypervisorOptions {
  /** libvirt's connection URI: qemu:///system on a node, test:///default in tests. */
  uri: string;
  /**
   * The node's free memory in MiB, for every URI but test: ones (the agent
   * passes /proc/meminfo's MemAvailable): libvirt's own answer counts the page
   * cache as used.
   */
  freeMemoryMiB?: () => Promise<number>;
  /** How long one operation may wait for libvirt; a hung libvirtd must not hang a job. */
  callTimeoutMs?: number;
}

const defaultCallTimeoutMs = 30_000;

/** virDomainState's numbers (libvirt-domain.h), as @unraid/libvirt's DomainState passes them. */
const runStates: readonly DomainRunState[] = ["nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended"];

/** States in which a domain's memory is taken from the node. */
const holdingMemory: ReadonlySet<DomainRunState> = new Set(["running", "blocked", "paused", "shutdown", "pmsuspended"]);

const virErrInvalidArg = 8;
const virErrOperationInvalid = 55;

/** One @unraid/libvirt connection, and the calls libvirt still runs on it. */
interface Connection {
  binding: LibvirtConnection;
  /** Counts until libvirt answers, also past a call's timeout: the connection is closed only when none is left. */
  inFlight: number;
  /** No new calls go to it. */
  retired: boolean;
  closing: Promise<void> | null;
}

/** A call libvirt did not answer in time; its connection is retired. */
class LibvirtTimeout extends AlkorError {}

/**
 * The Hypervisor port over libvirt: @unraid/libvirt for most calls, alkor's
 * companion addon (libvirt-extra) for setMemory and reboot. The connection
 * opens on first use; one that timed out or stopped answering is retired
 * (closed once its last call settles) and the next call opens a new one.
 *
 * Every libvirt call holds a libuv pool thread until libvirt answers, also
 * after its timeout here: the agent's main sizes UV_THREADPOOL_SIZE so a hung
 * libvirtd cannot starve file I/O.
 */
export class LibvirtHypervisor implements Hypervisor {
  readonly uri: string;
  private readonly callTimeoutMs: number;
  private readonly freeMemory: (() => Promise<number>) | null;
  private live: Connection | null = null;
  private opening: Promise<Connection> | null = null;
  private closed = false;

  constructor(options: LibvirtHypervisorOptions) {
    this.uri = options.uri;
    this.callTimeoutMs = options.callTimeoutMs ?? defaultCallTimeoutMs;
    this.freeMemory = options.freeMemoryMiB ?? null;
    if (!isTestUri(this.uri) && this.freeMemory === null) {
      throw new AlkorError("internal_error", `The hypervisor on ${this.uri} needs a source for the node's free memory.`);
    }
  }

  async domains(): Promise<DomainRuntime[]> {
    return this.call("list the domains", null, async (binding) => {
      const handles = await binding.connectListAllDomains();
      const runtimes = await Promise.all(handles.map((handle) => runtimeOf(handle)));
      return runtimes.filter((runtime) => runtime !== null);
    });
  }

  async domain(name: string): Promise<DomainRuntime | null> {
    try {
      return await this.call(`read the domain of instance ${name}`, name, async (binding) => runtimeOf(await binding.domainLookupByName(name)));
    } catch (error) {
      if (error instanceof AlkorError && error.code === "unknown_entity") return null;
      throw error;
    }
  }

  async define(spec: DomainSpec): Promise<void> {
    const xml = domainXml(spec);
    await this.call(`define the domain of instance ${spec.name}`, spec.name, async (binding) => {
      await binding.domainDefineXML(xml);
    });
  }

  async start(name: string): Promise<void> {
    await this.onDomain(name, `start instance ${name}`, (binding, domain) => binding.domainCreate(domain));
  }

  async requestShutdown(name: string): Promise<void> {
    await this.onDomain(name, `shut down instance ${name}`, (binding, domain) => binding.domainShutdown(domain));
  }

  async destroy(name: string): Promise<void> {
    await this.onDomain(name, `destroy the domain of instance ${name}`, (binding, domain) => binding.domainDestroy(domain));
  }

  async undefine(name: string): Promise<void> {
    await this.onDomain(name, `undefine the domain of instance ${name}`, (binding, domain) => binding.domainUndefine(domain));
  }

  async setMemory(name: string, memoryMiB: number): Promise<void> {
    if (!Number.isSafeInteger(memoryMiB) || memoryMiB <= 0) {
      throw new AlkorError("wrong_input", `Instance ${name}: memory ${memoryMiB} MiB is not a positive whole number.`);
    }
    await this.onExtra(name, `set the memory of instance ${name} to ${memoryMiB} MiB`, (extra) => extra.setMemory(this.uri, name, memoryMiB * 1024));
  }

  async reboot(name: string): Promise<void> {
    await this.onExtra(name, `reboot instance ${name}`, (extra) => extra.reboot(this.uri, name));
  }

  async nodeInfo(): Promise<HypervisorNodeInfo> {
    const info = await this.call("read the node's memory and CPUs", null, (binding) => binding.nodeGetInfo());
    const memoryMiB = Math.floor(info.memory / 1024);
    return { memoryMiB, cpus: info.cpus, freeMemoryMiB: await this.freeMemoryMiB(memoryMiB) };
  }

  /** Closes the connection (at once, or when libvirt has answered the calls still on it); every later call is refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.opening?.catch(() => undefined);
    const connection = this.live;
    if (connection === null) return;
    this.retire(connection);
    if (connection.inFlight === 0) await this.closeQuietly(connection);
  }

  /**
   * For test: URIs, the node's memory less what active domains hold (the
   * test driver's node memory is a constant); elsewhere the injected source.
   */
  private async freeMemoryMiB(memoryMiB: number): Promise<number> {
    if (this.freeMemory !== null) return this.freeMemory();
    const held = (await this.domains()).filter((domain) => holdingMemory.has(domain.state)).reduce((sum, domain) => sum + domain.memoryMiB, 0);
    return Math.max(0, memoryMiB - held);
  }

  private async onDomain(name: string, what: string, act: (binding: LibvirtConnection, domain: Domain) => Promise<void>): Promise<void> {
    await this.call(what, name, async (binding) => act(binding, await binding.domainLookupByName(name)));
  }

  /**
   * A call through the companion addon, which opens a connection of its own:
   * opening ours first checks that libvirt answers, and keeps test:///default's
   * shared state alive while the addon's connection comes and goes.
   */
  private async onExtra(name: string, what: string, act: (extra: LibvirtExtra) => Promise<void>): Promise<void> {
    const extra = loadLibvirtExtra();
    await this.call(what, name, () => act(extra));
  }

  /** Runs `run` on the open connection within the call timeout; failures become AlkorErrors. */
  private async call<T>(what: string, instance: string | null, run: (binding: LibvirtConnection) => Promise<T>): Promise<T> {
    let connection = await this.connection(what);
    // Retired (by close() or a failure) while this call waited for it: take the next one.
    while (connection.retired) connection = await this.connection(what);
    try {
      return await this.withinTimeout(what, this.track(connection, () => run(connection.binding)));
    } catch (error) {
      if (error instanceof LibvirtTimeout) {
        // libvirtd is stuck, or the socket to it is dead: the next call opens a new connection.
        this.retire(connection);
        throw error;
      }
      if (instance !== null && isNoDomain(error)) {
        throw new AlkorError("unknown_entity", `Instance ${instance} has no domain in libvirt (${this.uri}).`);
      }
      // libvirt's messages do not say whether the connection itself broke;
      // one cheap call does. A connection that fails it is replaced.
      if (!(await this.answers(connection))) this.retire(connection);
      throw new AlkorError(codeFor(error), `libvirt (${this.uri}) could not ${what}: ${messageOf(error)}`);
    }
  }

  /** Counts `run`'s libvirt calls on `connection` until libvirt answers them. */
  private track<T>(connection: Connection, run: () => Promise<T>): Promise<T> {
    // @unraid/libvirt 2.2.1 keeps the pointer virConnectClose freed, and would use it.
    if (connection.closing !== null) return Promise.reject(this.closedError("use a closed connection"));
    connection.inFlight += 1;
    const work = (async () => run())();
    const settled = () => {
      connection.inFlight -= 1;
      if (connection.retired && connection.inFlight === 0) void this.closeQuietly(connection);
    };
    work.then(settled, settled);
    return work;
  }

  private async connection(what: string): Promise<Connection> {
    if (this.closed) throw this.closedError(what);
    if (this.live !== null) return this.live;
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private closedError(what: string): AlkorError {
    return new AlkorError("environment_error", `The hypervisor connection to ${this.uri} is closed, so alkor cannot ${what}.`);
  }

  private async open(): Promise<Connection> {
    let binding: LibvirtConnection;
    try {
      // Loads @unraid/libvirt's libvirt.node, which needs libvirt.so.0.
      binding = new LibvirtConnection({ uri: this.uri });
    } catch (error) {
      throw new AlkorError("environment_error", `libvirt's binding cannot load, so alkor cannot reach ${this.uri}: ${messageOf(error)}`);
    }
    const opened = binding.connectOpen();
    try {
      await this.withinTimeout("open a connection", opened);
    } catch (error) {
      // An open that answers after its timeout must not leak the connection.
      opened.then(
        () => binding.connectClose().catch(() => undefined),
        () => undefined,
      );
      if (error instanceof LibvirtTimeout) throw error;
      throw new AlkorError("environment_error", `libvirt (${this.uri}) could not open a connection: ${messageOf(error)}`);
    }
    const connection: Connection = { binding, inFlight: 0, retired: false, closing: null };
    if (this.closed) {
      // close() came while this was opening.
      await this.closeQuietly(connection);
      throw new AlkorError("environment_error", `The hypervisor connection to ${this.uri} was closed while it opened.`);
    }
    this.live = connection;
    return connection;
  }

  private async answers(connection: Connection): Promise<boolean> {
    if (connection.retired) return true;
    try {
      await this.withinTimeout("answer", this.track(connection, () => connection.binding.nodeGetInfo()));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * No new calls go to `connection`; it is closed once libvirt has answered
   * every call on it (closing it under a running call would free what that
   * call uses, and @unraid/libvirt must never see connectClose twice).
   */
  private retire(connection: Connection): void {
    if (this.live === connection) this.live = null;
    connection.retired = true;
    if (connection.inFlight === 0) void this.closeQuietly(connection);
  }

  private closeQuietly(connection: Connection): Promise<void> {
    connection.closing ??= this.withinTimeout("close the connection", connection.binding.connectClose()).catch(() => undefined);
    return connection.closing;
  }

  private async withinTimeout<T>(what: string, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new LibvirtTimeout("environment_error", `libvirt (${this.uri}) did not answer within ${this.callTimeoutMs / 1000} s when asked to ${what}.`));
      }, this.callTimeoutMs);
    });
    // The abandoned call may still fail later; that failure is no one's.
    work.catch(() => undefined);
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A domain's runtime, or null when it vanished since it was listed (undefined concurrently). */
async function runtimeOf(handle: Domain): Promise<DomainRuntime | null> {
  try {
    const [name, uuid, info] = await Promise.all([handle.getName(), handle.getUUIDString(), handle.getInfo()]);
    return {
      name,
      uuid,
      state: runStates[info.state] ?? "nostate",
      memoryMiB: Math.floor(info.memory / 1024),
      maxMemoryMiB: Math.floor(info.maxMem / 1024),
      vcpus: info.nrVirtCpu,
      cpuTimeNs: info.cpuTime,
    };
  } catch (error) {
    if (isNoDomain(error)) return null;
    throw error;
  }
}

function isTestUri(uri: string): boolean {
  return uri.startsWith("test:");
}

/**
 * VIR_ERR_NO_DOMAIN. The addon passes libvirt's error number; @unraid/libvirt
 * passes only the message, whose text for that number is "Domain not found"
 * (virerror.c), in English while libvirt's translations (libvirt-l10n) are
 * not installed or LC_MESSAGES is C, as under systemd.
 */
function isNoDomain(error: unknown): boolean {
  const code = libvirtCodeOf(error);
  if (code !== null) return code === libvirtErrorCodes.noDomain;
  return messageOf(error).startsWith("Domain not found");
}

/** Where the addon gave libvirt's error number, what it says about the request; else environment_error. */
function codeFor(error: unknown): "wrong_input" | "wrong_state" | "environment_error" {
  const code = libvirtCodeOf(error);
  if (code === virErrInvalidArg) return "wrong_input";
  if (code === virErrOperationInvalid) return "wrong_state";
  return "environment_error";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
