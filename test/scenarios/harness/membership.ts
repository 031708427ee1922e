import type { Clock } from "../../../src/host/clock.js";
import type { Liveness } from "../../../src/model/node.js";

export interface MembershipTiming {
  suspectAfterMs: number;
  deadAfterMs: number;
}

/**
 * What each node's membership table would say of each other node: alive
 * while it hears the node's heartbeats (the node runs and a path exists),
 * suspect and then dead after that long without.
 */
export class Membership {
  /** "observer>subject": when the observer stopped hearing the subject. */
  private readonly lostAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly timing: MembershipTiming,
    private readonly hears: (observer: string, subject: string) => boolean,
  ) {}

  /** Notes which paths were lost or came back; call after every change of the network or of which nodes run. */
  update(names: readonly string[]): void {
    for (const observer of names) {
      for (const subject of names) {
        const key = `${observer}>${subject}`;
        if (this.hears(observer, subject)) this.lostAt.delete(key);
        else if (!this.lostAt.has(key)) this.lostAt.set(key, this.clock.monotonic());
      }
    }
  }

  liveness(observer: string, subject: string): Liveness {
    const lost = this.lostAt.get(`${observer}>${subject}`);
    if (lost === undefined) return "alive";
    const silentMs = this.clock.monotonic() - lost;
    return silentMs >= this.timing.deadAfterMs ? "dead" : silentMs >= this.timing.suspectAfterMs ? "suspect" : "alive";
  }
}
