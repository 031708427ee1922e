import type { IncomingMessage } from "node:http";
import { badRequest, RapiError } from "./errors.js";

/** The largest request body taken; beyond it the request is answered 413 without reading further. */
export const MAX_BODY_BYTES = 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a request's JSON body; undefined when there is none. As Ganeti's
 * daemon, a body must come as application/json (415 otherwise); it must be
 * UTF-8 and valid JSON (400). A declared or actual size over `maxBytes` is
 * refused (413) as soon as it is known: what follows is not buffered.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const bytes = await collect(request, maxBytes);
  if (bytes.length === 0) return undefined;
  const mediaType = (request.headers["content-type"] ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json") {
    throw new RapiError(415, `A request body must be application/json, not ${JSON.stringify(mediaType.slice(0, 64))}.`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw badRequest("The request body is not valid UTF-8.");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`Unable to parse JSON data: ${(error as Error).message}.`);
  }
}

function collect(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData);
      request.off("end", onEnd);
      // Keeps the socket flowing, dropping the rest, until the server closes it after answering.
      request.resume();
      reject(tooLarge(maxBytes));
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks, size));
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("error", reject);
  });
}

function tooLarge(maxBytes: number): RapiError {
  return new RapiError(413, `The request body is larger than ${maxBytes} bytes.`);
}
