/** The virtual clock and what is due on it: events run in (time, insertion) order, so ties replay exactly. */
export class EventQueue<T> {
  private heap: { at: number; seq: number; event: T }[] = [];
  private seq = 0;
  /** Virtual time; a Raft tick is `tickInterval` units (see Simulation). */
  now = 0;

  get size(): number {
    return this.heap.length;
  }

  schedule(delay: number, event: T): void {
    this.heap.push({ at: this.now + delay, seq: this.seq++, event });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Advances the clock to the next event and returns it. */
  pop(): T | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.heap.length && this.before(left, smallest)) smallest = left;
        if (right < this.heap.length && this.before(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    this.now = top.at;
    return top.event;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b]!, this.heap[a]!];
  }
}
