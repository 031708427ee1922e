import type { Logger } from "pino";
import type { z } from "zod";
import type { Clock, Timer } from "../host/clock.js";
import type { Random } from "../host/random.js";
import { AlkorError, asAlkorError, type ErrorCode } from "../model/errors.js";
import type { LocalBroker } from "./broker.js";
import { encodePayload } from "./codec.js";
import type { Mesh } from "./mesh.js";
import { nodeTopic, type RpcReplyPayload, type RpcRequestPayload } from "./topics.js";

/** One RPC method: the schema of its parameters and of its result. */
export interface RpcMethod<P extends z.ZodType, R extends z.ZodType> {
  params: P;
  result: R;
}

export type RpcMethodMap = Record<string, RpcMethod<z.ZodType, z.ZodType>>;

export type RpcImplementation<M extends RpcMethodMap> = {
  [K in keyof M]: (params: z.infer<M[K]["params"]>, caller: { node: string }) => Promise<z.infer<M[K]["result"]>>;
};

export interface RpcOptions<M extends RpcMethodMap> {
  selfName: string;
  clusterId: string;
  methods: M;
  broker: LocalBroker;
  mesh: Mesh;
  clock: Clock;
  random: Random;
  log: Logger;
  defaultTimeoutMs: number;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: Timer;
  result: z.ZodType;
}

const replayWindowMs = 60_000;
const maxRemembered = 1024;

const knownCodes: ReadonlySet<string> = new Set<ErrorCode>([
  "wrong_input", "wrong_state", "unknown_entity", "already_exists",
  "insufficient_resources", "environment_error", "timeout", "internal_error",
]);

/**
 * Request/response over MQTT 3.1.1, which has no response topic of its own:
 * the request carries its reply topic, a correlation id and a deadline. A
 * request goes to the target's broker; the answer is published on the
 * target's own broker, where the caller's link is subscribed to its reply topic.
 */
export class RpcEndpoint<M extends RpcMethodMap> {
  private readonly pending = new Map<string, PendingCall>();
  private readonly answered = new Map<string, { at: number; reply: RpcReplyPayload }>();
  private implementation: RpcImplementation<M> | undefined;

  constructor(private readonly options: RpcOptions<M>) {}

  serve(implementation: RpcImplementation<M>): void {
    this.implementation = implementation;
  }

  /** Calls a method on a node; rejects with a coded error, `timeout` when no answer came in time. */
  call<K extends keyof M & string>(
    node: string,
    method: K,
    params: z.infer<M[K]["params"]>,
    timeoutMs = this.options.defaultTimeoutMs,
  ): Promise<z.infer<M[K]["result"]>> {
    const { options } = this;
    if (node === options.selfName) return this.runLocally(method, params, node) as Promise<z.infer<M[K]["result"]>>;
    const id = options.random.uuid();
    const request: RpcRequestPayload = {
      id,
      method,
      params,
      from: options.selfName,
      replyTo: nodeTopic(options.clusterId, options.selfName, "reply"),
      deadline: options.clock.now() + timeoutMs,
      idempotencyKey: id,
    };
    return new Promise((resolve, reject) => {
      const timer = options.clock.after(timeoutMs, () => {
        this.pending.delete(id);
        reject(new AlkorError("timeout", `Node ${node} did not answer ${method} within ${timeoutMs} ms.`, { node, method }));
      });
      this.pending.set(id, { resolve, reject, timer, result: options.methods[method]!.result });
      const sent = options.mesh.publishTo(node, nodeTopic(options.clusterId, node, "rpc"), encodePayload("rpc", request), false);
      if (!sent) {
        timer.cancel();
        this.pending.delete(id);
        reject(new AlkorError("environment_error", `Node ${node} cannot be reached: there is no live link to its broker.`, { node, method }));
      }
    });
  }

  /** A request published to this node's broker. */
  handleRequest(request: RpcRequestPayload): void {
    const { options } = this;
    if (options.clock.now() > request.deadline) {
      options.log.debug({ id: request.id, method: request.method, from: request.from }, "An RPC request arrived after its deadline and was dropped.");
      return;
    }
    const key = request.idempotencyKey === undefined ? undefined : `${request.from}/${request.idempotencyKey}`;
    const remembered = key === undefined ? undefined : this.answered.get(key);
    if (remembered) {
      void this.reply(request.replyTo, remembered.reply);
      return;
    }
    void this.answer(request).then((reply) => {
      if (key !== undefined) this.remember(key, reply);
      return this.reply(request.replyTo, reply);
    });
  }

  /** An answer published on a peer's broker to this node's reply topic. */
  handleReply(reply: RpcReplyPayload): void {
    const call = this.pending.get(reply.id);
    if (!call) return; // late or duplicate answer: the caller already gave up or was answered
    this.pending.delete(reply.id);
    call.timer.cancel();
    if (!reply.ok) {
      const code = knownCodes.has(reply.error.code) ? (reply.error.code as ErrorCode) : "internal_error";
      call.reject(new AlkorError(code, reply.error.message));
      return;
    }
    const result = call.result.safeParse(reply.result);
    if (result.success) call.resolve(result.data);
    else call.reject(new AlkorError("internal_error", `A peer answered with a malformed result: ${result.error.issues[0]?.message ?? "invalid"}.`));
  }

  /** Fails every call still waiting (at agent stop). */
  close(): void {
    for (const [id, call] of this.pending) {
      call.timer.cancel();
      call.reject(new AlkorError("environment_error", "The agent is stopping."));
      this.pending.delete(id);
    }
  }

  private async answer(request: RpcRequestPayload): Promise<RpcReplyPayload> {
    try {
      const result = await this.runLocally(request.method, request.params, request.from);
      return { id: request.id, ok: true, result };
    } catch (error) {
      const coded = asAlkorError(error);
      return { id: request.id, ok: false, error: { code: coded.code, message: coded.message } };
    }
  }

  private async runLocally(method: string, params: unknown, caller: string): Promise<unknown> {
    const definition = Object.hasOwn(this.options.methods, method) ? this.options.methods[method] : undefined;
    const handler = this.implementation?.[method as keyof M];
    if (!definition || !handler) throw new AlkorError("unknown_entity", `This node has no RPC method ${method}.`);
    const parsed = definition.params.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AlkorError("wrong_input", `Bad parameters for ${method}: ${issue?.path.join(".") || "(params)"}: ${issue?.message ?? "invalid"}.`);
    }
    return handler(parsed.data as z.infer<M[keyof M]["params"]>, { node: caller });
  }

  private async reply(topic: string, reply: RpcReplyPayload): Promise<void> {
    try {
      await this.options.broker.publish(topic, encodePayload("reply", reply), false);
    } catch (error) {
      this.options.log.warn({ topic, err: error }, "An RPC answer could not be published.");
    }
  }

  private remember(key: string, reply: RpcReplyPayload): void {
    const now = this.options.clock.monotonic();
    for (const [oldKey, entry] of this.answered) {
      if (this.answered.size < maxRemembered && now - entry.at < replayWindowMs) break;
      this.answered.delete(oldKey);
    }
    this.answered.set(key, { at: now, reply });
  }
}
