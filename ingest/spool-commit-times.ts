/**
 * When each stretch of the spool was made durable, by end offset: the delivery latency of a
 * commit group and the age of the oldest undelivered data. Coalesced, coarser as the backlog
 * grows: a day-long outage keeps some 12,000 entries, not millions.
 */
export class CommitTimes {
  private readonly entries: Array<{ end: number; at: number }> = [];

  /** `pendingEnd`: data already undelivered at start (a replay), dated `at`. */
  constructor(pendingEnd: number | undefined, at: number) {
    if (pendingEnd !== undefined) this.entries.push({ end: pendingEnd, at });
  }

  /** A commit ending at `end` made durable at `at`. */
  record(end: number, at: number): void {
    const entries = this.entries;
    const last = entries.at(-1);
    const window = entries.length > 10_000 ? 60_000 : entries.length > 1000 ? 1000 : 50;
    if (last && at - last.at < window) last.end = end;
    else entries.push({ end, at });
  }

  /** Forgets the commits wholly before `to` (delivered); returns their times. */
  passed(to: number): number[] {
    const entries = this.entries;
    const out: number[] = [];
    while (entries.length > 0 && entries[0]!.end <= to) out.push(entries.shift()!.at);
    return out;
  }

  /** The time of the oldest commit not yet passed. */
  oldest(): number | undefined {
    return this.entries[0]?.at;
  }
}
