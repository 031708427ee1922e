import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { GuestAgentExec } from "../../../src/lab/guest-agent.js";
import { AlkorError } from "../../../src/model/errors.js";

interface Program {
  exitcode?: number;
  signal?: number;
  stdout?: string;
  stderr?: string;
  /** guest-exec-status answers exited:false this many times first. */
  runningPolls?: number;
  /** The agent restarted after guest-exec: it no longer knows the pid. */
  forgotten?: boolean;
}

/**
 * A stand-in for qemu's end of the guest agent's channel: JSON lines, a
 * 0xFF before each guest-sync-delimited reply, base64 output, one client at
 * a time as qemu's chardev serves it.
 */
class FakeGuestAgent {
  readonly requests: Array<{ execute: string; arguments?: Record<string, unknown> }> = [];
  connections = 0;
  /** Clients between their sync and their command's end: qemu's one-at-a-time makes this at most 1. */
  busy = 0;
  maxBusy = 0;
  silent = false;
  /** Written to each new client first: replies a former client left unread. */
  stale = "";
  private server: Server | null = null;
  private readonly running = new Map<number, { program: Program; polls: number }>();
  private nextPid = 100;

  constructor(
    readonly path: string,
    readonly program: (path: string, args: string[]) => Program,
  ) {}

  listen(): Promise<void> {
    this.server = createServer((socket) => this.serve(socket));
    return new Promise((resolve) => this.server!.listen(this.path, resolve));
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private serve(socket: Socket): void {
    this.connections += 1;
    // A client that timed out closes its end; a reply written after that is no failure of the test.
    socket.on("error", () => undefined);
    if (this.stale) socket.write(this.stale);
    let pending = "";
    socket.on("data", (chunk: Buffer) => {
      // 0xFF resets the agent's parser: it is never part of a request.
      pending += chunk.toString("latin1").replaceAll("\xff", "");
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (line.trim() !== "") this.answer(socket, JSON.parse(line) as { execute: string; arguments?: Record<string, unknown> });
      }
    });
  }

  private answer(socket: Socket, request: { execute: string; arguments?: Record<string, unknown> }): void {
    this.requests.push(request);
    if (this.silent) return;
    const reply = (value: unknown) => socket.write(`${JSON.stringify({ return: value })}\n`);
    const args = request.arguments ?? {};
    switch (request.execute) {
      case "guest-sync-delimited":
        this.busy += 1;
        this.maxBusy = Math.max(this.maxBusy, this.busy);
        socket.write(Buffer.concat([Buffer.from([0xff]), Buffer.from(`${JSON.stringify({ return: args.id })}\n`)]));
        return;
      case "guest-exec": {
        const pid = this.nextPid++;
        this.running.set(pid, { program: this.program(args.path as string, args.arg as string[]), polls: 0 });
        reply({ pid });
        return;
      }
      case "guest-exec-status": {
        const run = this.running.get(args.pid as number);
        if (!run || run.program.forgotten) {
          this.busy -= 1;
          socket.write(`${JSON.stringify({ error: { class: "GenericError", desc: `Invalid parameter 'pid'` } })}\n`);
          return;
        }
        if (run.polls++ < (run.program.runningPolls ?? 0)) {
          reply({ exited: false });
          return;
        }
        const { program } = run;
        this.busy -= 1;
        reply({
          exited: true,
          ...(program.signal !== undefined ? { signal: program.signal } : { exitcode: program.exitcode ?? 0 }),
          ...(program.stdout ? { "out-data": Buffer.from(program.stdout).toString("base64") } : {}),
          ...(program.stderr ? { "err-data": Buffer.from(program.stderr).toString("base64") } : {}),
        });
        return;
      }
      default:
        socket.write(`${JSON.stringify({ error: { class: "CommandNotFound", desc: `The command ${request.execute} has not been found` } })}\n`);
    }
  }
}

async function withAgent(program: (path: string, args: string[]) => Program, body: (agent: FakeGuestAgent, exec: GuestAgentExec) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-qga-"));
  const agent = new FakeGuestAgent(join(dir, "qga.sock"), program);
  await agent.listen();
  try {
    await body(agent, new GuestAgentExec(agent.path, { timeoutMs: 2000, pollMs: 20 }));
  } finally {
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test("runs a command in the guest and returns its decoded output", async (t) => {
  await withAgent(
    () => ({ stdout: "node1\n", stderr: "warning: ü\n", runningPolls: 3 }),
    async (agent, exec) => {
      const result = await exec.run(["/usr/local/bin/alkor-cluster", "getmaster"]);
      t.deepEqual(result, { stdout: "node1\n", stderr: "warning: ü\n" });
      const execRequest = agent.requests.find((request) => request.execute === "guest-exec");
      t.deepEqual(execRequest?.arguments, { path: "/usr/local/bin/alkor-cluster", arg: ["getmaster"], "capture-output": true });
      t.is(agent.requests.filter((request) => request.execute === "guest-exec-status").length, 4);
      t.is(agent.requests[0]?.execute, "guest-sync-delimited");
    },
  );
});

test("a non-zero exit rejects with environment_error carrying the guest's stderr and exit code", async (t) => {
  await withAgent(
    () => ({ exitcode: 5, stdout: "", stderr: "  Volume group \"alkor\" not found\n" }),
    async (_agent, exec) => {
      const error = await t.throwsAsync(exec.run(["vgs", "alkor"]), { instanceOf: AlkorError });
      t.is(error.code, "environment_error");
      t.is(error.message, 'Command vgs alkor failed in the guest: Volume group "alkor" not found');
      t.is(error.details?.exitCode, 5);
      t.is(error.details?.stderr, '  Volume group "alkor" not found\n');
    },
  );
});

test("a command killed by a signal is a failure that names the signal", async (t) => {
  await withAgent(
    () => ({ signal: 9 }),
    async (_agent, exec) => {
      const error = await t.throwsAsync(exec.run(["sleep", "100"]), { instanceOf: AlkorError });
      t.regex(error.message, /killed by signal 9/);
    },
  );
});

test("replies a former client left unread are skipped up to this client's sync reply", async (t) => {
  await withAgent(
    () => ({ stdout: "fresh\n" }),
    async (agent, exec) => {
      // A former client's exec reply, half a line, and its own sync reply with another id.
      agent.stale = `{"return": {"pid": 7}}\n{"return": {"exi\xff{"return": 424242}\n`;
      t.is((await exec.run(["echo", "fresh"])).stdout, "fresh\n");
    },
  );
});

test("an agent that does not answer (a guest still booting) times out with code timeout", async (t) => {
  await withAgent(
    () => ({}),
    async (agent, exec) => {
      agent.silent = true;
      const started = Date.now();
      const error = await t.throwsAsync(exec.run(["true"], { timeoutMs: 300 }), { instanceOf: AlkorError });
      t.is(error.code, "timeout");
      t.regex(error.message, /guest-sync-delimited/);
      t.true(Date.now() - started < 2000);
    },
  );
});

test("a missing socket (no qemu) rejects at once with environment_error", async (t) => {
  const exec = new GuestAgentExec("/nonexistent/qga.sock");
  const error = await t.throwsAsync(exec.run(["true"]), { instanceOf: AlkorError });
  t.is(error.code, "environment_error");
  t.regex(error.message, /powered on/);
});

test("after the agent's end goes away and comes back (a reboot, a new qemu) the next command works", async (t) => {
  await withAgent(
    () => ({ stdout: "up\n" }),
    async (agent, exec) => {
      t.is((await exec.run(["uptime"])).stdout, "up\n");
      await agent.close();
      await t.throwsAsync(exec.run(["uptime"]), { instanceOf: AlkorError });
      await rm(agent.path, { force: true });
      await agent.listen();
      t.is((await exec.run(["uptime"])).stdout, "up\n");
      t.is(agent.connections, 2);
    },
  );
});

test("an environment for the command is sent whole, with a PATH", async (t) => {
  await withAgent(
    () => ({}),
    async (agent, exec) => {
      await exec.run(["vgs"], { env: { DM_DISABLE_UDEV: "1" } });
      const execRequest = agent.requests.find((request) => request.execute === "guest-exec");
      t.deepEqual(execRequest?.arguments?.env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "DM_DISABLE_UDEV=1"]);
    },
  );
});

test("commands run at once on one socket are queued, one connection at a time as qemu serves them", async (t) => {
  await withAgent(
    (_path, args) => ({ stdout: `${args[0]}\n`, runningPolls: 2 }),
    async (agent, exec) => {
      const results = await Promise.all(["a", "b", "c", "d"].map((word) => exec.run(["echo", word])));
      t.deepEqual(results.map((result) => result.stdout), ["a\n", "b\n", "c\n", "d\n"]);
      t.is(agent.maxBusy, 1);
      t.is(agent.connections, 4);
    },
  );
});

test("a request the agent refuses is an environment_error naming its reason", async (t) => {
  await withAgent(
    () => ({ forgotten: true }),
    async (_agent, exec) => {
      const error = await t.throwsAsync(exec.run(["true"]), { instanceOf: AlkorError });
      t.is(error.code, "environment_error");
      t.regex(error.message, /refused guest-exec-status \(true\): Invalid parameter 'pid'/);
    },
  );
});
