import { pino, type Logger } from "pino";

/** One JSON event per line on stdout (journald keeps it under systemd). */
export function createLogger(level: string, bindings: Record<string, unknown>): Logger {
  return pino({ level, base: { ...bindings }, timestamp: pino.stdTimeFunctions.isoTime });
}
