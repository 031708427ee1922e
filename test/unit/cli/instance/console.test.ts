import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import test, { type ExecutionContext } from "ava";
import { consoleCommand, requireSerialConsole, shellQuote } from "../../../../src/cli/instance/console.js";
import { runConsoleSession } from "../../../../src/cli/instance/console-session.js";
import { waitFor } from "../../../helpers/wait.js";
import { FakeInstanceDirectory, runCli, SAMPLE_VIEWS, startInstanceApi } from "./fake-instance-api.js";

interface ConsoleServer {
  socketPath: string;
  /** Every byte the server received, over all connections. */
  received: () => Buffer;
  connections: Socket[];
}

/** A real unix-socket server standing in for qemu's serial console; echoes unless told to stay silent. */
async function startConsoleServer(t: ExecutionContext, echo = true): Promise<ConsoleServer> {
  const dir = await mkdtemp(join(tmpdir(), "alkor-console-"));
  const socketPath = join(dir, "serial.sock");
  const chunks: Buffer[] = [];
  const connections: Socket[] = [];
  const server: Server = createServer((socket) => {
    connections.push(socket);
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      if (echo) socket.write(chunk);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.teardown(async () => {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  return { socketPath, received: () => Buffer.concat(chunks), connections };
}

function collected(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString("latin1");
}

/** A console session over PassThrough streams, connected to a test console server. */
async function connectedSession(t: ExecutionContext, echo = true) {
  const server = await startConsoleServer(t, echo);
  const input = new PassThrough();
  const output = new PassThrough();
  const seen = collected(output);
  const session = runConsoleSession(server.socketPath, input, output);
  await waitFor("the session to connect", () => server.connections.length === 1);
  return { server, input, seen, session };
}

test("copies input to the console and the console to output, until ^] leaves (what came before it still sent)", async (t) => {
  const { server, input, seen, session } = await connectedSession(t);
  input.write("root\n");
  await waitFor("the echo", () => seen() === "root\n");
  input.write(Buffer.from("ls\x1dnot sent"));
  t.is(await session, "escape");
  await waitFor("the bytes before ^]", () => server.received().toString("latin1") === "root\nls");
  await waitFor("the connection to close", () => server.connections[0]!.destroyed || server.connections[0]!.readableEnded);
  t.false(server.received().includes(0x1d));
});

test("ends when the console's socket closes, and stops reading the input", async (t) => {
  const { server, input, seen, session } = await connectedSession(t, false);
  server.connections[0]!.end("login: ");
  t.is(await session, "closed");
  t.is(seen(), "login: ");
  t.is(input.listenerCount("data"), 0);
});

test("when the input ends, still copies what the console answers until it closes", async (t) => {
  const { input, seen, session } = await connectedSession(t);
  // The echo server ends its side once it has read the half-close.
  input.end("uptime\n");
  t.is(await session, "input-ended");
  t.is(seen(), "uptime\n");
});

test("puts a terminal input in raw mode while connected and restores it after", async (t) => {
  const server = await startConsoleServer(t);
  const modes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(mode: boolean) {
      modes.push(mode);
      this.isRaw = mode;
      return this;
    },
  });
  const session = runConsoleSession(server.socketPath, input, new PassThrough());
  await waitFor("the session to connect", () => server.connections.length === 1);
  t.deepEqual(modes, [true]);
  input.write("\x1d");
  t.is(await session, "escape");
  t.deepEqual(modes, [true, false]);
});

test("a console socket that is not there is an environment error naming it", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "alkor-console-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const socketPath = join(dir, "missing.sock");
  await t.throwsAsync(runConsoleSession(socketPath, new PassThrough(), new PassThrough()), {
    name: "AlkorError",
    message: `Cannot connect to the console socket ${socketPath}: ENOENT. Is the instance running?`,
  });
});

const REMOTE = { instance: "web1", node: "node2", self: false, socketPath: "/run/alkor/console/x.sock", serialConsole: true };

test("reaches another node's console with ssh -t as an argument list, and this node's with socat's equivalent", (t) => {
  t.deepEqual(consoleCommand(REMOTE), ["ssh", "-t", "root@node2", "alkor-instance", "console", "web1"]);
  t.deepEqual(consoleCommand({ ...REMOTE, self: true }), ["socat", "STDIO,raw,echo=0,escape=0x1d", "UNIX-CONNECT:/run/alkor/console/x.sock"]);
  t.is(shellQuote("it's here"), "'it'\\''s here'");
  t.is(shellQuote("root@node2"), "root@node2");
  t.throws(() => requireSerialConsole({ ...REMOTE, serialConsole: false }), { name: "AlkorError", message: /^Instance web1 has no serial console .* alkor-instance modify -H serial_console=true web1 / });
});

test("alkor-instance console --show-cmd prints the ssh command; an instance without serial console fails with exit status 1", async (t) => {
  const endpoint = await startInstanceApi(t, {
    instances: new FakeInstanceDirectory(SAMPLE_VIEWS, { web1: REMOTE, db2: { ...REMOTE, instance: "db2", serialConsole: false } }),
  });
  const shown = await runCli("alkor-instance", ["console", "--show-cmd", "web1", "--endpoint", endpoint]);
  t.is(shown.code, 0, shown.stderr);
  t.is(shown.stdout, "ssh -t root@node2 alkor-instance console web1\n");
  const refused = await runCli("alkor-instance", ["console", "db2", "--endpoint", endpoint]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /^Instance db2 has no serial console/);
});

test("alkor-instance console on the primary copies the console to stdout until the socket closes", async (t) => {
  const server = await startConsoleServer(t, false);
  const endpoint = await startInstanceApi(t, {
    instances: new FakeInstanceDirectory(SAMPLE_VIEWS, { web1: { ...REMOTE, self: true, socketPath: server.socketPath } }),
  });
  // Standard input stays open, as a terminal's would, so the session ends only when the console closes.
  const cli = fileURLToPath(new URL("../../../../src/cli/alkor-instance.js", import.meta.url));
  const run = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [cli, "console", "web1", "--endpoint", endpoint], { env: { ...process.env, TZ: "UTC" } }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
    t.teardown(() => child.kill());
  });
  await waitFor("the command to connect", () => server.connections.length === 1, { timeoutMs: 60_000 });
  server.connections[0]!.end("Debian GNU/Linux 12 web1 ttyS0\n");
  const result = await run;
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "Debian GNU/Linux 12 web1 ttyS0\n");
  t.is(result.stderr, "Connected to the console of web1; type ^] to leave.\n\nThe console of web1 closed.\n");
});
