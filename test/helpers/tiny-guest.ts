import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { AlkorError } from "../../src/model/errors.js";
import { waitFor } from "./wait.js";
import { isAlive } from "../../src/lab/processes.js";
import { pathExists } from "../../src/host/path-exists.js";

/**
 * The tiny guest of the integration tier: Debian's kernel and an initramfs of
 * busybox-static, both from Debian's packages (apt-get download, so the test
 * does not depend on the host's /boot), built once and cached under
 * /var/tmp/alkor-tiny-guest/<hash of the inputs>. Its /init prints a marker
 * line on the serial console, then runs a shell there; `poweroff -f` in that
 * shell powers the guest off. It loads no modules and needs no NIC or disk.
 */
export interface TinyGuest {
  /** The uncompressed kernel (vmlinux): qemu boots it through PVH, about twice as fast under TCG as the bzImage. */
  kernelPath: string;
  initrdPath: string;
  kernelArgs: string;
  /** uname -r of the guest, e.g. 6.1.0-56-amd64. */
  kernelRelease: string;
  /** The line /init prints on ttyS0 once the guest is up. */
  marker: string;
  /** Whether this call built the kit (false: it came from the cache). */
  built: boolean;
}

export const tinyGuestCacheRoot = "/var/tmp/alkor-tiny-guest";

// panic=-1: reboot at once rather than hang if /init dies. The boot log stays
// on (no quiet): it costs <0.5 s under TCG and tells why a boot failed.
const kernelArgs = "console=ttyS0 panic=-1";
const markerPrefix = "alkor-tiny-guest up";

// The guest's /init. The kernel opens /dev/console (from the cpio) as its
// stdio; cttyhack makes ttyS0 the shell's controlling terminal so the shell
// sees line editing and ^C.
const initScript = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "${markerPrefix} $(uname -r)"
setsid cttyhack sh
poweroff -f
`;

// Bump when the way the kit is built changes, so old caches are not reused.
const layoutVersion = 1;

/** Builds the kit, or returns the cached one built from the same package versions and /init. */
export async function tinyGuest(cacheRoot = tinyGuestCacheRoot): Promise<TinyGuest> {
  // One apt-cache call (each costs ~2.5 s where apt keeps no binary cache, as here).
  const records = await aptRecords(["linux-image-amd64", "busybox-static"]);
  const metapackage = records.get("linux-image-amd64")!;
  const busybox = records.get("busybox-static")!;
  // The metapackage's dependency names the current kernel's package (ABI in
  // the name); with the metapackage's version it pins the kernel build.
  const kernelPackage = /^Depends:.*?\b(linux-image-[0-9][^\s,]*-amd64)\b/m.exec(metapackage.record)?.[1];
  if (!kernelPackage) throw new AlkorError("environment_error", "The apt record of linux-image-amd64 names no kernel package it depends on.");
  const kernelRelease = kernelPackage.replace(/^linux-image-/, "");
  const key = createHash("sha256")
    .update(JSON.stringify({ layoutVersion, kernelPackage, metapackage: metapackage.version, busybox: busybox.version, initScript, kernelArgs }))
    .digest("hex")
    .slice(0, 16);
  const dir = join(cacheRoot, key);
  const kit = (built: boolean): TinyGuest => ({
    kernelPath: join(dir, "vmlinux"),
    initrdPath: join(dir, "initrd.img"),
    kernelArgs,
    kernelRelease,
    marker: `${markerPrefix} ${kernelRelease}`,
    built,
  });
  if (await pathExists(join(dir, "manifest.json"))) return kit(false);

  await mkdir(cacheRoot, { recursive: true });
  await removeAbandonedBuilds(cacheRoot);
  const work = await mkdtemp(join(cacheRoot, `.build-${process.pid}-`));
  try {
    // busybox at the version the key was made from; the kernel package's
    // name carries its ABI, and each upload of it moves the metapackage's
    // version, which is in the key.
    await run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", kernelPackage, `busybox-static=${busybox.version}`], {
      cwd: work,
      timeoutMs: 600_000,
    });
    const debs = await readdir(work);
    const deb = (name: string): string => {
      const file = debs.find((entry) => entry.startsWith(`${name}_`) && entry.endsWith(".deb"));
      if (!file) throw new AlkorError("environment_error", `apt-get download left no ${name} package in ${work}.`);
      return join(work, file);
    };
    const vmlinuz = await debMember(deb(kernelPackage), `./boot/vmlinuz-${kernelRelease}`);
    await writeFile(join(work, "vmlinux"), await vmlinuxOf(vmlinuz));
    const busyboxBinary = await debMember(deb("busybox-static"), "./bin/busybox");
    await writeFile(join(work, "initrd.img"), gzipSync(initramfs(busyboxBinary)));
    await writeFile(join(work, "manifest.json"), `${JSON.stringify({ kernelPackage, debs, kernelArgs, layoutVersion }, null, 2)}\n`);
    for (const file of debs) await rm(join(work, file));
    await chmod(work, 0o755);
    try {
      await rename(work, dir);
    } catch (error) {
      // Another test process built the same kit first: use that one.
      if (!(await pathExists(join(dir, "manifest.json")))) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return kit(true);
}

/**
 * The tiny guest's serial console on the unix socket qemu listens on
 * (<serial type='unix'><source mode='bind'/>): what the guest wrote since
 * connecting, and lines typed into its shell.
 */
export class TinyGuestConsole {
  private output = "";

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => (this.output += chunk.toString("utf8")));
  }

  static async connect(path: string): Promise<TinyGuestConsole> {
    const socket = connect(path);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", (error) => reject(new AlkorError("environment_error", `The serial console ${path} does not answer: ${error.message}`)));
    });
    socket.on("error", () => undefined);
    return new TinyGuestConsole(socket);
  }

  /** Everything the guest wrote so far (its kernel log, /init's marker, the shell's echo and output). */
  transcript(): string {
    return this.output;
  }

  /** Types a line into the guest's shell. */
  type(line: string): void {
    this.socket.write(`${line}\n`);
  }

  /** Waits until the guest has written a line matching `line` (a line is matched whole, without its \r\n). */
  async waitForLine(line: string | RegExp, timeoutMs: number): Promise<void> {
    const matches = (candidate: string) => (typeof line === "string" ? candidate === line : line.test(candidate));
    await waitFor(`the guest to write ${String(line)}`, () => this.output.split("\n").some((candidate) => matches(candidate.replace(/\r$/, ""))), {
      timeoutMs,
      pollMs: 20,
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

interface AptRecord {
  version: string;
  record: string;
}

/** The candidate's apt record of each package named. */
async function aptRecords(names: readonly string[]): Promise<Map<string, AptRecord>> {
  let output: string;
  try {
    output = (await run(["apt-cache", "show", "--no-all-versions", ...names])).toString("utf8");
  } catch (error) {
    throw new AlkorError("environment_error", `apt knows no package ${names.join(" or ")}: run scripts/qemu-test-deps.sh (it refreshes apt's lists). ${(error as Error).message}`);
  }
  const records = new Map<string, AptRecord>();
  for (const record of output.split(/\n\n+/)) {
    const name = /^Package: (\S+)$/m.exec(record)?.[1];
    const version = /^Version: (\S+)$/m.exec(record)?.[1];
    if (name && version && !records.has(name)) records.set(name, { version, record });
  }
  for (const name of names) if (!records.has(name)) throw new AlkorError("environment_error", `apt has no candidate for ${name}: run scripts/qemu-test-deps.sh.`);
  return records;
}

/** One file of a .deb's data, read through dpkg-deb and tar without unpacking the rest. */
async function debMember(deb: string, member: string): Promise<Buffer> {
  const unpack = spawn("dpkg-deb", ["--fsys-tarfile", deb], { stdio: ["ignore", "pipe", "pipe"] });
  const tar = spawn("tar", ["-x", "-O", "-f", "-", member], { stdio: ["pipe", "pipe", "pipe"] });
  unpack.stdout.pipe(tar.stdin);
  // tar may close its input before dpkg-deb is done (when it fails): its exit status tells.
  tar.stdin.on("error", () => undefined);
  const chunks: Buffer[] = [];
  tar.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  const stderr: string[] = [];
  unpack.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  tar.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const [unpackCode, tarCode] = await Promise.all([exitOf(unpack), exitOf(tar)]);
  if (unpackCode !== 0 || tarCode !== 0) {
    throw new AlkorError("environment_error", `Reading ${member} from ${deb} failed: ${stderr.join("").trim() || `exit ${unpackCode}/${tarCode}`}.`);
  }
  return Buffer.concat(chunks);
}

/**
 * The ELF kernel inside Debian's bzImage (an xz stream after the setup code),
 * as image/build.sh extracts it: qemu boots an ELF vmlinux through PVH,
 * skipping the decompressor: ~3 s instead of ~6 s to the marker under TCG here.
 */
async function vmlinuxOf(bzImage: Buffer): Promise<Buffer> {
  const offset = bzImage.indexOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
  if (offset < 0) throw new AlkorError("environment_error", "The kernel image holds no xz stream to unpack vmlinux from.");
  // --single-stream: the bzImage goes on past the stream (the decompressor's tail).
  const vmlinux = await run(["xz", "--decompress", "--stdout", "--single-stream", "--quiet"], { input: bzImage.subarray(offset) });
  if (vmlinux.subarray(0, 4).toString("latin1") !== "\x7fELF") throw new AlkorError("environment_error", "The kernel's xz stream is not an ELF vmlinux.");
  return vmlinux;
}

interface CpioEntry {
  name: string;
  mode: number;
  data?: Buffer;
  /** Major and minor of a device node. */
  rdev?: [number, number];
}

/**
 * The initramfs as a newc cpio archive (the kernel's initramfs format,
 * Documentation/driver-api/early-userspace/buffer-format.rst), written here
 * so a device node needs no mknod and every build is byte-identical.
 */
function initramfs(busybox: Buffer): Buffer {
  const directory = 0o040755;
  return newcArchive([
    { name: "bin", mode: directory },
    { name: "bin/busybox", mode: 0o100755, data: busybox },
    // The kernel opens /dev/console for /init's stdio before anything mounts /dev.
    { name: "dev", mode: directory },
    { name: "dev/console", mode: 0o020600, rdev: [5, 1] },
    { name: "proc", mode: directory },
    { name: "sys", mode: directory },
    { name: "root", mode: 0o040700 },
    { name: "tmp", mode: 0o041777 },
    { name: "init", mode: 0o100755, data: Buffer.from(initScript) },
  ]);
}

function newcArchive(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let length = 0;
  const push = (part: Buffer): void => {
    parts.push(part);
    length += part.length;
  };
  const pad = (): void => {
    if (length % 4 !== 0) push(Buffer.alloc(4 - (length % 4)));
  };
  const all = [...entries, { name: "TRAILER!!!", mode: 0 }];
  all.forEach((entry, index) => {
    const data = entry.data ?? Buffer.alloc(0);
    const [rdevMajor, rdevMinor] = entry.rdev ?? [0, 0];
    const trailer = entry.name === "TRAILER!!!";
    // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
    const fields = [trailer ? 0 : index + 1, entry.mode, 0, 0, trailer || (entry.mode & 0o170000) !== 0o040000 ? 1 : 2, 0, data.length, 0, 0, rdevMajor, rdevMinor, entry.name.length + 1, 0];
    push(Buffer.from(`070701${fields.map((field) => field.toString(16).padStart(8, "0")).join("")}${entry.name}\0`, "latin1"));
    pad();
    push(data);
    pad();
  });
  return Buffer.concat(parts, length);
}

/** Build directories of test processes that died mid-build. */
async function removeAbandonedBuilds(cacheRoot: string): Promise<void> {
  for (const entry of await readdir(cacheRoot)) {
    const pid = /^\.build-(\d+)-/.exec(entry)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) await rm(join(cacheRoot, entry), { recursive: true, force: true });
  }
}


function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
}

/** Runs a tool (an argument array), with a working directory or standard input when given; resolves with its stdout. */
function run(argv: readonly string[], options: { cwd?: string; input?: Buffer; timeoutMs?: number } = {}): Promise<Buffer> {
  const [command, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, encoding: "buffer", maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new AlkorError("environment_error", `Command ${argv.join(" ")} failed: ${stderr.toString().trim() || error.message}`));
        else resolve(stdout);
      },
    );
    // A tool that fails before reading all its input closes the pipe: its exit status says why.
    child.stdin?.on("error", () => undefined);
    if (options.input) child.stdin?.end(options.input);
  });
}
