import { pino, type Logger } from "pino";
import { Writable } from "node:stream";

/** A logger that keeps its events in memory, so tests can assert on what was logged. */
export function memoryLogger(): { log: Logger; events: Array<Record<string, unknown>> } {
  const events: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) events.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: "debug" }, sink), events };
}
