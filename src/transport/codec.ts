import { topicSchemas, type Payload, type TopicKind } from "./topics.js";

export type Decoded<K extends TopicKind> =
  | { ok: true; payload: Payload<K> }
  | { ok: false; reason: string };

/**
 * Turns bytes from the wire into a validated payload, or a reason to drop it.
 * Never throws: whatever a peer sends, the agent keeps running.
 */
export function decodePayload<K extends TopicKind>(kind: K, bytes: Buffer, maxBytes: number): Decoded<K> {
  if (bytes.length > maxBytes) {
    return { ok: false, reason: `payload of ${bytes.length} bytes exceeds the limit of ${maxBytes}` };
  }
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString("utf8"));
  } catch {
    return { ok: false, reason: "payload is not valid JSON" };
  }
  const result = topicSchemas[kind].safeParse(document);
  if (!result.success) {
    const first = result.error.issues[0];
    const field = first && first.path.length > 0 ? first.path.join(".") : "(payload)";
    return { ok: false, reason: `payload does not match the ${kind} schema: ${field}: ${first?.message ?? "invalid"}` };
  }
  return { ok: true, payload: result.data as Payload<K> };
}

export function encodePayload<K extends TopicKind>(_kind: K, payload: Payload<K>): Buffer {
  return Buffer.from(JSON.stringify(payload), "utf8");
}
