/** Exponential backoff with full jitter: a random delay in [0, min(cap, base x 2^attempt)]. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 30_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(baseMs / 2, Math.floor(random() * ceiling));
}
