import { createConnection, type Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { AlkorError } from "../../model/errors.js";

/** ^] (0x1d), the key that leaves the console, as in Ganeti's (socat's escape=0x1d) and virsh's. */
export const CONSOLE_ESCAPE = 0x1d;

/** Why a console session ended: the user typed ^], the console's socket closed, or the input ended. */
export type ConsoleEnd = "escape" | "closed" | "input-ended";

/** How long the console may still answer after the input ended (socat's default -t). */
export const INPUT_END_GRACE_MS = 500;

/** A terminal's input: raw mode is switched on while the session runs, and restored after. */
interface MaybeTerminal {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

function connect(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/**
 * Connects to a serial console's unix socket and copies both ways: input
 * to the socket, the socket to output. Ends when the user types ^] (what
 * came before it is still sent), when the socket closes, or when the input
 * ends: then the socket is half-closed and what the console still sends
 * within INPUT_END_GRACE_MS is copied, as socat does (its -t 0.5), so that
 * `echo cmd | alkor-instance console x` shows the answer. A terminal input
 * is in raw mode meanwhile (so ^C reaches the guest) and gets its mode back
 * however the session ends.
 */
export async function runConsoleSession(socketPath: string, input: Readable & MaybeTerminal, output: Writable): Promise<ConsoleEnd> {
  let socket: Socket;
  try {
    socket = await connect(socketPath);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new AlkorError("environment_error", `Cannot connect to the console socket ${socketPath}: ${code ?? message}. Is the instance running?`);
  }
  const raw = input.isTTY === true && typeof input.setRawMode === "function";
  const wasRaw = input.isRaw === true;
  if (raw) input.setRawMode!(true);
  return new Promise<ConsoleEnd>((resolve) => {
    let ended = false;
    let inputDone: NodeJS.Timeout | null = null;
    const finish = (reason: ConsoleEnd, last?: Buffer): void => {
      if (ended) return;
      ended = true;
      if (inputDone !== null) clearTimeout(inputDone);
      input.off("data", fromInput);
      input.off("end", inputEnded);
      input.pause();
      if (raw) input.setRawMode!(wasRaw);
      socket.off("data", fromSocket);
      // What was typed before ^] still goes out; then the connection is closed.
      socket.end(last ?? Buffer.alloc(0), () => socket.destroy());
      resolve(reason);
    };
    const fromInput = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      const at = bytes.indexOf(CONSOLE_ESCAPE);
      if (at < 0) socket.write(bytes);
      else finish("escape", bytes.subarray(0, at));
    };
    const fromSocket = (chunk: Buffer): void => {
      output.write(chunk);
    };
    const inputEnded = (): void => {
      socket.end();
      inputDone = setTimeout(() => finish("input-ended"), INPUT_END_GRACE_MS);
    };
    socket.on("data", fromSocket);
    socket.on("close", () => finish(inputDone === null ? "closed" : "input-ended"));
    // A reset connection ends the session like a closed one.
    socket.on("error", () => finish("closed"));
    input.on("data", fromInput);
    input.on("end", inputEnded);
    input.resume();
  });
}
