import type { Clock } from '../platform/index.js';
import type { Gateway } from './gateway-types.js';
import type { PendingTimers } from './pending-timers.js';
import type { StationScript } from './station-script.js';

export interface PaceOptions {
  script: StationScript;
  gateway: Gateway;
  timers: PendingTimers;
  clock: Clock;
  /** Wall-clock time between two samples, and measurement time between them. */
  intervalMs: number;
  stepMs: number;
  /** Measurement time of the first sample. */
  startAt: number;
  /** Stop after this many samples, or this long after the first; default: until closing. */
  messages?: number;
  durationS?: number;
  closing(): boolean;
}

/**
 * Plays a station's script to its gateway in real time: sample i is due `i x intervalMs`
 * after the first and measured at `startAt + i x stepMs`, never ahead of the wall clock, so a
 * run is reproducible from its seed. Resolves when the samples or the duration are used up
 * (or at closing).
 */
export function paceSamples(o: PaceOptions): Promise<void> {
  return new Promise((resolve) => {
    const wallStart = o.clock.now();
    // The duration counts from the first sample, so --duration-s x --rate samples are sent whatever the connect time.
    const deadline = o.durationS === undefined ? Infinity : wallStart + o.durationS * 1000;
    let i = 0;
    let last = -Infinity;
    const sample = (): void => {
      if (o.closing()) return resolve();
      // Sample times are planned, so a run is reproducible from its seed; never ahead of the wall clock.
      const ts = Math.max(last + 1, Math.min(o.startAt + i * o.stepMs, o.clock.now()));
      last = ts;
      const tick = o.script.tick(ts);
      o.gateway.setOffline(tick.offline);
      o.gateway.send(tick);
      i++;
      next();
    };
    const next = (): void => {
      if (o.closing()) return resolve();
      const due = wallStart + i * o.intervalMs;
      if ((o.messages !== undefined && i >= o.messages) || due >= deadline) return resolve();
      o.timers.after(Math.max(0, due - o.clock.now()), sample);
    };
    next();
  });
}
