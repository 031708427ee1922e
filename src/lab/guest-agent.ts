import { connect, type Socket } from "node:net";
import { z } from "zod";
import type { Exec, ExecOptions, ExecResult } from "../host/exec.js";
import { AlkorError } from "../model/errors.js";

/**
 * Runs commands inside a lab guest through the qemu guest agent (qemu-ga) on
 * the host end of its virtio-serial port: a unix socket qemu serves, JSON
 * lines in both directions (QEMU Guest Agent Protocol Reference).
 *
 * Each run opens its own connection and starts with `guest-sync-delimited`:
 * the socket outlives the guest's agent (a reboot, a BMC power cycle gives a
 * new qemu and socket), and a reply a former client left unread may still be
 * on the way; the sync's 0xFF sentinel and echoed id tell where this
 * client's replies begin. qemu serves one client at a time, so the runs of
 * one process on one socket are queued.
 */
export class GuestAgentExec implements Exec {
  constructor(
    private readonly socketPath: string,
    private readonly defaults: { timeoutMs: number; pollMs: number } = { timeoutMs: 30_000, pollMs: 250 },
  ) {}

  run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [command, ...args] = argv;
    if (command === undefined) return Promise.reject(new AlkorError("wrong_input", "An empty command cannot be run."));
    const timeoutMs = options.timeoutMs ?? this.defaults.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    return queued(this.socketPath, async () => {
      const session = await GuestAgentSession.open(this.socketPath, deadline, argv);
      try {
        await session.sync(deadline);
        const { pid } = GuestExecReturnSchema.parse(
          await session.execute(
            "guest-exec",
            {
              path: command,
              arg: args,
              // qemu-ga replaces the environment whole when given one.
              ...(options.env ? { env: Object.entries({ PATH: guestPath, ...options.env }).map(([key, value]) => `${key}=${value}`) } : {}),
              "capture-output": true,
            },
            deadline,
          ),
        );
        for (let pause = 10; ; pause = Math.min(pause * 2, this.defaults.pollMs)) {
          const status = GuestExecStatusSchema.parse(await session.execute("guest-exec-status", { pid }, deadline));
          if (status.exited) return resultOf(argv, status);
          if (Date.now() + pause > deadline) throw timedOut(argv, timeoutMs, `it still runs in the guest as pid ${pid}`);
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      } finally {
        session.close();
      }
    });
  }
}

/** The PATH qemu-ga's own unit runs with, for commands given an environment of their own. */
const guestPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const GuestExecReturnSchema = z.object({ pid: z.number().int() });
const GuestExecStatusSchema = z.object({
  exited: z.boolean(),
  exitcode: z.number().int().optional(),
  signal: z.number().int().optional(),
  "out-data": z.string().optional(),
  "err-data": z.string().optional(),
  "out-truncated": z.boolean().optional(),
  "err-truncated": z.boolean().optional(),
});
type GuestExecStatus = z.infer<typeof GuestExecStatusSchema>;
const ReplySchema = z.union([
  z.object({ return: z.unknown() }),
  z.object({ error: z.object({ class: z.string(), desc: z.string() }) }),
]);

function resultOf(argv: readonly string[], status: GuestExecStatus): ExecResult {
  const stdout = Buffer.from(status["out-data"] ?? "", "base64").toString("utf8");
  const stderr = Buffer.from(status["err-data"] ?? "", "base64").toString("utf8");
  if (status.exitcode === 0 && status.signal === undefined) return { stdout, stderr };
  const ending = status.signal !== undefined ? `killed by signal ${status.signal}` : `exit code ${status.exitcode ?? "unknown"}`;
  const why = stderr.trim() || ending;
  throw new AlkorError("environment_error", `Command ${argv.join(" ")} failed in the guest: ${why}`, {
    argv: [...argv],
    exitCode: status.exitcode ?? null,
    signal: status.signal ?? null,
    stdout,
    stderr,
  });
}

function timedOut(argv: readonly string[], timeoutMs: number, why: string): AlkorError {
  return new AlkorError("timeout", `Command ${argv.join(" ")} did not end in the guest within ${timeoutMs} ms: ${why}.`, { argv: [...argv] });
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier run on the same socket has settled. */
function queued<T>(socketPath: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(socketPath) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(socketPath, settled);
  void settled.then(() => {
    if (queues.get(socketPath) === settled) queues.delete(socketPath);
  });
  return next;
}

const SENTINEL = 0xff;

/** One connection to qemu-ga: requests go one at a time, each reply is the next line. */
class GuestAgentSession {
  private buffer = Buffer.alloc(0);
  private ended: Error | null = null;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly socketPath: string,
    private readonly argv: readonly string[],
  ) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on("close", () => {
      this.ended ??= new AlkorError("environment_error", `The guest agent connection ${socketPath} closed (the guest or its qemu went away).`, {
        argv: [...argv],
      });
      this.wake?.();
    });
    socket.on("error", (error) => {
      this.ended = new AlkorError("environment_error", `The guest agent connection ${socketPath} failed: ${error.message}.`, { argv: [...argv] });
      this.wake?.();
    });
  }

  static open(socketPath: string, deadline: number, argv: readonly string[]): Promise<GuestAgentSession> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new AlkorError("timeout", `The guest agent socket ${socketPath} did not accept a connection in time.`, { argv: [...argv] }));
      }, Math.max(0, deadline - Date.now()));
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new GuestAgentSession(socket, socketPath, argv));
      });
      socket.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why = error.code === "ENOENT" || error.code === "ECONNREFUSED" ? "no qemu serves it (is the node powered on?)" : error.message;
        reject(new AlkorError("environment_error", `Cannot reach the guest agent at ${socketPath}: ${why}.`, { argv: [...argv] }));
      });
    });
  }

  /**
   * guest-sync-delimited: the leading 0xFF resets qemu-ga's JSON parser
   * (anything half-written by a former client is dropped), and everything
   * before the reply carrying this id is a former client's.
   */
  async sync(deadline: number): Promise<void> {
    const id = Math.floor(Math.random() * 2 ** 31);
    this.socket.write(Buffer.concat([Buffer.from([SENTINEL]), Buffer.from(`${JSON.stringify({ execute: "guest-sync-delimited", arguments: { id } })}\n`)]));
    for (;;) {
      const at = this.buffer.indexOf(SENTINEL);
      if (at < 0) {
        this.buffer = Buffer.alloc(0);
        await this.more(deadline, "guest-sync-delimited");
        continue;
      }
      this.buffer = this.buffer.subarray(at + 1);
      const line = await this.line(deadline, "guest-sync-delimited");
      let reply: unknown;
      try {
        reply = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof reply === "object" && reply !== null && (reply as { return?: unknown }).return === id) return;
    }
  }

  async execute(command: string, args: Record<string, unknown>, deadline: number): Promise<unknown> {
    this.socket.write(`${JSON.stringify({ execute: command, arguments: args })}\n`);
    for (;;) {
      const line = (await this.line(deadline, command)).trim();
      if (line === "") continue;
      const reply = ReplySchema.parse(JSON.parse(line));
      if ("error" in reply) {
        throw new AlkorError("environment_error", `The guest agent refused ${command} (${this.argv.join(" ")}): ${reply.error.desc}`, {
          argv: [...this.argv],
          class: reply.error.class,
        });
      }
      return reply.return;
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private async line(deadline: number, waitingFor: string): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf(0x0a);
      if (end >= 0) {
        const line = this.buffer.subarray(0, end).toString("utf8");
        this.buffer = this.buffer.subarray(end + 1);
        return line;
      }
      await this.more(deadline, waitingFor);
    }
  }

  private more(deadline: number, waitingFor: string): Promise<void> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.wake = null;
          reject(new AlkorError("timeout", `The guest agent at ${this.socketPath} did not answer ${waitingFor} in time (${this.argv.join(" ")}).`, { argv: [...this.argv] }));
        },
        Math.max(0, deadline - Date.now()),
      );
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        if (this.ended) reject(this.ended);
        else resolve();
      };
    });
  }
}
