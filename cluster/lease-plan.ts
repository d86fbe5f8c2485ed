/** What one lease round does with the shards, given the live nodes. */
export interface RoundPlan {
  /** Held beyond the fair share: given up (the least preferred first). */
  release: number[];
  /** How many more to try to take, from `candidates` in order. */
  want: number;
  /** Shards not held here, most preferred first. */
  candidates: number[];
}

/**
 * The fair share (docs/ARCHITECTURE.md, "Cluster mode"): a node holds at most
 * ceil(shards / live nodes); above it gives up the least preferred, below it tries to take
 * free ones. A node that dies stops heartbeating, the share of the others grows, and they take
 * its shards once its leases have expired.
 */
export function planRound(p: { preferred: readonly number[]; held: Uint8Array; live: number; shards: number }): RoundPlan {
  const share = Math.ceil(p.shards / Math.max(1, p.live));
  const mine = p.preferred.filter((k) => p.held[k] === 1);
  const candidates = p.preferred.filter((k) => p.held[k] === 0);
  if (mine.length > share) return { release: mine.slice(share), want: 0, candidates };
  return { release: [], want: share - mine.length, candidates };
}
