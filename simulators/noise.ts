/**
 * Noise for the station profiles: a standard normal from the seeded PRNG, and AR(1)
 * (Ornstein-Uhlenbeck) processes for slow, correlated wander. Real analysers do not produce
 * white noise around a constant: process load, fouling and weather move the signal over
 * minutes, so successive readings are correlated; the time constant makes the wander the same
 * whatever the sampling rate.
 */
export function createGaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // Box-Muller; 1 - u keeps the log away from 0.
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export interface Wander {
  /** Advances to `ts` (epoch ms) and returns the new value, of unit variance around 0. */
  at(ts: number): number;
}

/**
 * An AR(1) process with time constant `tauMs`, stepped by the time elapsed between samples,
 * seen through a first-order lag of `lagMs` (an analyser's response time). The lag keeps the
 * signal smooth at short intervals, as real ones are: without it the change per minute between
 * two samples a second apart would be noise, and every rate-of-change rule would fire.
 */
export function createWander(gauss: () => number, tauMs: number, lagMs = 60_000): Wander {
  let value = gauss();
  let seen = value;
  let last: number | undefined;
  return {
    at(ts) {
      if (last !== undefined && ts > last) {
        const dt = ts - last;
        const phi = Math.exp(-dt / tauMs);
        value = phi * value + Math.sqrt(1 - phi * phi) * gauss();
        seen += (value - seen) * (1 - Math.exp(-dt / lagMs));
      }
      last = ts;
      return seen;
    },
  };
}

/** A 32-bit seed from a run seed and a name (FNV-1a), so each station gets its own stream. */
export function seedFor(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
