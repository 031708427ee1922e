/**
 * The frames of a command the agent runs for the thin client: a kind byte,
 * a 4-byte big-endian length, then that many bytes. The client
 * (native/alkor-cli.c) reads them in this order until exit or local.
 */
export const FRAME_KIND = {
  /** Bytes for the caller's standard output. */
  stdout: "o",
  /** Bytes for the caller's standard error. */
  stderr: "e",
  /** The command ended; one byte, its exit status. */
  exit: "x",
  /** Run the command in the caller's own process instead; the reason, for the curious. Nothing was done. */
  local: "l",
} as const;
export type FrameKind = keyof typeof FRAME_KIND;

export const FRAME_HEADER_BYTES = 5;
/** A frame larger than this is split; the client reads at most this much at once. */
export const MAX_FRAME_PAYLOAD = 64 * 1024;

export function encodeFrames(kind: FrameKind, payload: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let offset = 0; offset === 0 || offset < payload.length; offset += MAX_FRAME_PAYLOAD) {
    const part = payload.subarray(offset, offset + MAX_FRAME_PAYLOAD);
    const header = Buffer.alloc(FRAME_HEADER_BYTES);
    header.write(FRAME_KIND[kind], 0, "latin1");
    header.writeUInt32BE(part.length, 1);
    frames.push(header, part);
  }
  return frames;
}
