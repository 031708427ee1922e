import { InvariantViolation } from "./invariant.js";
import type { Read, Write } from "./workload.js";

interface Version {
  readonly index: number;
  readonly value: number;
}

/**
 * Linearizability of the clients' writes and reads of config keys (thesis
 * §6.3-6.4). Each operation takes a position in the log: a write its index, a
 * read the index its node's state machine had applied when it answered. The
 * operations linearize in position order if every operation takes a position
 * after all those completed before it was invoked (a write strictly after, a
 * read at or after), and every read returns the value the log gives its key
 * at its position.
 */
export class Linearizability {
  /** The highest position of any completed operation. */
  private completed = 0;
  /** For each write, the highest position completed before it was invoked. */
  private readonly writeFollows = new Map<number, number>();
  /** Each key's writes in log order, taken from the first application of each index. */
  private readonly versions = new Map<string, Version[]>();
  private highestApplied = 0;

  writeInvoked(write: Write): void {
    this.writeFollows.set(write.id, this.completed);
  }

  /** A read is invoked: the position it must reach. */
  readInvoked(): number {
    return this.completed;
  }

  /** Called for every write any node applies, at its index. */
  applied(write: Write, index: number): void {
    if (index > this.highestApplied) {
      this.highestApplied = index;
      const versions = this.versions.get(write.key) ?? [];
      versions.push({ index, value: write.value });
      this.versions.set(write.key, versions);
    }
    const after = this.writeFollows.get(write.id)!;
    if (index <= after) {
      throw new InvariantViolation(
        "linearizability",
        `write ${write.id} applied at ${index}, but ${after} was completed before it was invoked`,
      );
    }
  }

  writeAcknowledged(index: number): void {
    this.completed = Math.max(this.completed, index);
  }

  readReturned(read: Read, value: number | undefined, position: number): void {
    if (position < read.mustSee) {
      throw new InvariantViolation(
        "linearizability",
        `read ${read.id} of ${read.key} saw the state at ${position}, but ${read.mustSee} was completed before it was invoked`,
      );
    }
    const expected = this.valueAt(read.key, position);
    if (value !== expected) {
      throw new InvariantViolation("linearizability", `read ${read.id} of ${read.key} at ${position} returned ${value}, the log gives ${expected}`);
    }
    this.completed = Math.max(this.completed, position);
  }

  /** The value of the latest write to key at or before position. */
  private valueAt(key: string, position: number): number | undefined {
    const versions = this.versions.get(key) ?? [];
    let low = 0;
    let high = versions.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (versions[middle]!.index <= position) low = middle + 1;
      else high = middle;
    }
    return versions[low - 1]?.value;
  }
}
