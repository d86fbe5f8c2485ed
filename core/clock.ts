/** Wall-clock time behind an interface so time-based code can run in virtual time in tests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
