/**
 * The synthetic load of bench/dashboard.ts: every 50 ms a twentieth of the stations (at one
 * message a second each) send a message with all 8 parameters at typical levels, straight
 * into the dashboard's `readings$`, as ingest would.
 */
import { interval, type Subject } from 'rxjs';
import type { Catalogue, Reading } from '../core/index.js';
import { systemScheduler, type SchedulerLike } from '../platform/index.js';

/** Typical levels of the demo's parameters; each reading is within 10 % of its level. */
const TYPICAL: Record<string, number> = { Flow: 52_000, Temp: 158, P: 101.3, O2: 8.1, PM: 61, SO2: 215, NOx: 340, CO: 210 };

export interface SyntheticLoad {
  /** Readings emitted so far. */
  readonly emitted: number;
  stop(): void;
}

/** `stations`: as asked on the command line (the catalogue's count); `rate`: messages a second per station. */
export function startSyntheticLoad(
  catalogue: Catalogue,
  readings$: Subject<Reading>,
  o: { stations: number; rate: number; scheduler?: SchedulerLike },
): SyntheticLoad {
  const scheduler = o.scheduler ?? systemScheduler;
  const templates = catalogue.stations.map((s) =>
    s.parameters.map((p) => ({
      station: s.id,
      zone: catalogue.zoneOf(s.id)!.id,
      parameter: p.parameter,
      unit: p.unit,
      status: '00' as const,
    })),
  );
  let cursor = 0;
  let emitted = 0;
  const stepMs = 50;
  const perStep = (o.stations * o.rate * stepMs) / 1000;
  const load = interval(stepMs, scheduler).subscribe(() => {
    const now = scheduler.now();
    for (let i = 0; i < perStep; i++) {
      for (const t of templates[cursor++ % templates.length]!) {
        readings$.next({ ...t, ts: now, receivedAt: now, value: (TYPICAL[t.parameter] ?? 10) * (0.9 + 0.2 * Math.random()) });
        emitted += 1;
      }
    }
  });
  return {
    get emitted() {
      return emitted;
    },
    stop: () => load.unsubscribe(),
  };
}
