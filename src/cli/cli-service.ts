import type { ServerResponse } from "node:http";
import type { Command } from "commander";
import type { Logger } from "pino";
import type { CliRequest } from "../api/local/contract.js";
import { AlkorError } from "../model/errors.js";
import { encodeFrames, type FrameKind } from "./cli-frames.js";
import { runCli } from "./common.js";
import { ENDPOINT_ENV } from "./endpoint.js";
import { RunLocally, type CliIo } from "./io.js";

export interface CliServiceOptions {
  /** The commands the agent runs for the thin client, by name. */
  programs: Readonly<Record<string, () => Command>>;
  /** The agent's own control socket, where the commands it runs send their requests. */
  endpoint: string;
  /** The agent's $TZ ("" when unset). */
  timeZone: string;
  log: Logger;
}

/**
 * Runs alkor-* command lines inside the agent for the thin client, which
 * then costs a C process instead of a Node start and ~150 modules per
 * command. The output streams back as frames; a command that needs the
 * caller's terminal, standard input or files says "local" before doing
 * anything, and the client runs it in Node itself.
 */
export class CliService {
  constructor(private readonly options: CliServiceOptions) {}

  async run(request: CliRequest, response: ServerResponse): Promise<void> {
    const { programs, log } = this.options;
    const build = Object.hasOwn(programs, request.program) ? programs[request.program] : undefined;
    if (build === undefined) throw new AlkorError("unknown_entity", `The agent runs no command ${request.program}.`);
    response.writeHead(200, { "content-type": "application/octet-stream" });
    let wrote = false;
    const send = (kind: FrameKind, payload: Buffer): void => {
      if (kind === "stdout" || kind === "stderr") wrote = true;
      // The caller may be gone (^C): the command's requests stop (io.signal), and it ends with nobody to tell.
      if (response.destroyed || response.writableEnded) return;
      for (const part of encodeFrames(kind, payload)) response.write(part);
    };
    const local = this.localReason(request);
    if (local !== undefined) {
      send("local", Buffer.from(local));
      response.end();
      return;
    }
    const callerGone = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) callerGone.abort();
    });
    const io: CliIo = {
      writeOut: (text) => send("stdout", Buffer.from(text)),
      writeErr: (text) => send("stderr", Buffer.from(text)),
      env: { [ENDPOINT_ENV]: this.options.endpoint },
      stdinIsTTY: request.stdinIsTTY,
      caller: undefined,
      signal: callerGone.signal,
    };
    try {
      const status = await runCli(build(), ["node", request.program, ...request.args], io);
      if (callerGone.signal.aborted) log.info({ program: request.program, status }, `${request.program} ended early: its caller went away.`);
      send("exit", Buffer.from([status]));
    } catch (error) {
      if (error instanceof RunLocally && !wrote) {
        send("local", Buffer.from(error.message));
      } else {
        log.error({ err: error, program: request.program }, "A command run for the thin client failed.");
        send("stderr", Buffer.from(`Internal error: ${(error as Error).message}\n`));
        send("exit", Buffer.from([1]));
      }
    }
    response.end();
  }

  /** Why the caller must run this command itself, if it must. */
  private localReason(request: CliRequest): string | undefined {
    if (request.timeZone !== this.options.timeZone) return `The caller's time zone (${request.timeZone || "unset"}) is not the agent's (${this.options.timeZone || "unset"}).`;
    return undefined;
  }
}
