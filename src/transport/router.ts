import type { Logger } from "pino";
import { decodePayload } from "./codec.js";
import type { DropLog } from "./drop-log.js";
import { parseTopic, payloadLimitOf, type ParsedTopic, type Payload, type PayloadLimits, type TopicKind } from "./topics.js";

/** `via` is "local" for messages published to this node's own broker, else the peer broker's endpoint. */
export type TopicHandler<K extends TopicKind> = (payload: Payload<K>, topic: ParsedTopic, via: string) => void;

export const viaLocalBroker = "local";

/**
 * Decodes messages by the topic map and hands each to the handler of its kind.
 * Anything else (foreign cluster, unknown topic, bad payload) is dropped and
 * logged; a throwing handler is logged too. Nothing here can crash the agent.
 */
export class TopicRouter {
  private readonly handlers = new Map<TopicKind, TopicHandler<TopicKind>>();

  constructor(
    private readonly clusterId: string,
    private readonly limits: PayloadLimits,
    private readonly drops: DropLog,
    private readonly log: Logger,
  ) {}

  on<K extends TopicKind>(kind: K, handler: TopicHandler<K>): void {
    this.handlers.set(kind, handler as unknown as TopicHandler<TopicKind>);
  }

  dispatch(topic: string, bytes: Buffer, via: string): void {
    const parsed = parseTopic(topic);
    if (parsed === null || parsed.clusterId !== this.clusterId) {
      this.drops.drop("topic", { topic: topic.slice(0, 200), via }, "A message on a topic outside this cluster's topic map was dropped.");
      return;
    }
    const handler = this.handlers.get(parsed.kind);
    if (!handler) return;
    const decoded = decodePayload(parsed.kind, bytes, payloadLimitOf(parsed.kind, this.limits));
    if (!decoded.ok) {
      this.drops.drop(
        `payload:${parsed.kind}`,
        { topic, via, reason: decoded.reason },
        `A ${parsed.kind} message from ${parsed.nodeName} was dropped: ${decoded.reason}.`,
      );
      return;
    }
    try {
      handler(decoded.payload, parsed, via);
    } catch (error) {
      this.log.error({ topic, via, err: error }, `Handling a ${parsed.kind} message from ${parsed.nodeName} failed.`);
    }
  }
}
