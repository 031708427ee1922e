import type { Clock } from "../host/clock.js";
import type { Liveness } from "../model/node.js";
import type { AnnouncePayload, HeartbeatPayload } from "../transport/topics.js";

export interface MembershipTimeouts {
  suspectAfterMs: number;
  deadAfterMs: number;
}

export interface Member {
  announce: AnnouncePayload;
  /** When this agent learned of the node (monotonic ms). */
  learnedAt: number;
  /** Last heartbeat received straight from the node (monotonic ms). */
  lastHeardAt: number | undefined;
  heartbeat: HeartbeatPayload | undefined;
  /** The node's broker link died (its last will): suspect until heard again. */
  offlineHintAt: number | undefined;
}

export type AnnounceOutcome = "new" | "updated" | "unchanged" | "conflict";

export interface LivenessChange {
  name: string;
  uuid: string;
  from: Liveness;
  to: Liveness;
}

/**
 * Which nodes this agent knows and how alive each is, from heartbeats it
 * received itself. A retained announcement says who exists, never that it
 * lives: a node is alive only while its heartbeats arrive. The broker's last
 * will is a hint that makes a node suspect sooner, never dead.
 */
export class MembershipTable {
  private readonly byUuid = new Map<string, Member>();
  private readonly lastLiveness = new Map<string, Liveness>();

  constructor(
    private readonly selfUuid: string,
    private readonly timeouts: MembershipTimeouts,
    private readonly clock: Clock,
  ) {}

  observeAnnounce(announce: AnnouncePayload): AnnounceOutcome {
    if (announce.uuid === this.selfUuid) return "unchanged";
    const holder = this.findByName(announce.name);
    if (holder && holder.announce.uuid !== announce.uuid) {
      // Two nodes claim one name. A dead holder was most likely reinstalled; a live one wins.
      if (this.liveness(holder) !== "dead") return "conflict";
      this.byUuid.delete(holder.announce.uuid);
      this.lastLiveness.delete(holder.announce.uuid);
    }
    const existing = this.byUuid.get(announce.uuid);
    if (existing) {
      if (JSON.stringify(existing.announce) === JSON.stringify(announce)) return "unchanged";
      existing.announce = announce;
      return "updated";
    }
    this.byUuid.set(announce.uuid, {
      announce,
      learnedAt: this.clock.monotonic(),
      lastHeardAt: undefined,
      heartbeat: undefined,
      offlineHintAt: undefined,
    });
    return "new";
  }

  /** Returns false for a node not (yet) announced: its announcement will follow. */
  observeHeartbeat(heartbeat: HeartbeatPayload): boolean {
    const member = this.byUuid.get(heartbeat.uuid);
    if (!member) return false;
    member.lastHeardAt = this.clock.monotonic();
    member.heartbeat = heartbeat;
    return true;
  }

  observeOffline(uuid: string): void {
    const member = this.byUuid.get(uuid);
    if (member) member.offlineHintAt = this.clock.monotonic();
  }

  liveness(member: Member): Liveness {
    const now = this.clock.monotonic();
    const heardAgo = now - (member.lastHeardAt ?? member.learnedAt);
    if (heardAgo >= this.timeouts.deadAfterMs) return "dead";
    if (member.lastHeardAt === undefined) return "suspect";
    if (member.offlineHintAt !== undefined && member.offlineHintAt >= member.lastHeardAt) return "suspect";
    return heardAgo >= this.timeouts.suspectAfterMs ? "suspect" : "alive";
  }

  members(): Member[] {
    return [...this.byUuid.values()];
  }

  findByName(name: string): Member | undefined {
    for (const member of this.byUuid.values()) if (member.announce.name === name) return member;
    return undefined;
  }

  /** Liveness changes since the last sweep, for logging and (later) failure handling. */
  sweep(): LivenessChange[] {
    const changes: LivenessChange[] = [];
    for (const member of this.byUuid.values()) {
      const { uuid, name } = member.announce;
      const to = this.liveness(member);
      const from = this.lastLiveness.get(uuid);
      if (from !== to) {
        this.lastLiveness.set(uuid, to);
        if (from !== undefined || to !== "suspect") changes.push({ name, uuid, from: from ?? "suspect", to });
      }
    }
    return changes;
  }
}
