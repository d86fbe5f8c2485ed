import type { Catalogue, Station, Status } from '../core/index.js';
import { createPrng } from './prng.js';
import { createGaussian, seedFor } from './noise.js';
import { createStationModel } from './station-model.js';
import { activeWindow } from './scenario-window.js';
import { applyValueEffect, round, type ValueSample } from './value-effects.js';
import { MALFORMED_KINDS, STATION_WIDE, type MalformedKind, type ScenarioSpec } from './scenario-schema.js';

export interface SimulatedReading {
  parameter: string;
  value: number;
  unit: string;
  status: Status;
  /** Own measurement time, epoch ms, when it differs from the message's (a backlog). */
  ts?: number;
}

/** What a station's logger produces at one sample time, after the scenarios. */
export interface Tick {
  /** Measurement time from the start of the run, ms. */
  offsetMs: number;
  /** The true measurement time, epoch ms. */
  trueTs: number;
  /** The time the gateway stamps (clock skew applied). */
  ts: number;
  readings: SimulatedReading[];
  /** dropout: the logger lost this sample for good. */
  lost: boolean;
  /** offline: the gateway has no connection at this time. */
  offline: boolean;
  /** malformed: the defect to send instead of a good payload. */
  malformed?: MalformedKind;
}

export interface StationScript {
  readonly station: Station;
  /** Produces the sample at measurement time `ts` (increasing); `history` ticks skip connection-level scenarios. */
  tick(ts: number, history?: boolean): Tick;
}

export interface StationScriptOptions {
  catalogue: Catalogue;
  station: Station;
  specs: readonly ScenarioSpec[];
  seed: number;
  /** Measurement time of the run's start, epoch ms (offsets are taken from it). */
  runStart: number;
}

/** One station's profile with its scenarios composed in order (value scenarios, then message-level ones). */
export function createStationScript(options: StationScriptOptions): StationScript {
  const { catalogue, station, runStart } = options;
  const model = createStationModel(catalogue, station, options.seed);
  const random = createPrng(seedFor(options.seed, `${station.id}/scenarios`));
  const gauss = createGaussian(random);
  const specs = options.specs.filter((s) => s.station === station.id);
  const state = new Map<string, Record<string, number | undefined>>();
  const stateOf = (key: string): Record<string, number | undefined> => {
    let s = state.get(key);
    if (!s) state.set(key, (s = {}));
    return s;
  };

  return {
    station,
    tick(trueTs, history = false) {
      const offsetMs = trueTs - runStart;
      const natural = model.sample(trueTs);
      const readings: SimulatedReading[] = station.parameters.map((p) => {
        const sample: ValueSample = { parameter: p, ts: trueTs, value: natural.get(p.parameter)!, status: '00' };
        specs.forEach((spec, i) => {
          if (STATION_WIDE.has(spec.name)) return;
          if (spec.parameter !== undefined && spec.parameter !== '*' && spec.parameter !== p.parameter) return;
          const window = activeWindow(spec, offsetMs);
          if (!window) return;
          applyValueEffect(spec, sample, {
            catalogue,
            station,
            reference: model.reference(p.parameter, trueTs),
            gauss,
            window,
            state: stateOf(`${i}|${p.parameter}`),
          });
        });
        return { parameter: p.parameter, value: round(sample.value, p.parameter === 'Flow' ? 1 : 2), unit: p.unit, status: sample.status };
      });

      const tick: Tick = { offsetMs, trueTs, ts: trueTs, readings, lost: false, offline: false };
      specs.forEach((spec, i) => {
        if (!STATION_WIDE.has(spec.name)) return;
        const window = activeWindow(spec, offsetMs);
        if (!window) return;
        switch (spec.name) {
          case 'dropout':
            if (random() < (spec.probability ?? 1)) tick.lost = true;
            break;
          case 'clock_skew':
            tick.ts = trueTs + (spec.offsetS ?? 600) * 1000;
            break;
          case 'offline':
            if (!history) tick.offline = true;
            break;
          case 'malformed': {
            if (history) break;
            const s = stateOf(String(i));
            const n = s.count ?? 0;
            s.count = n + 1;
            const every = spec.everyN ?? 1;
            if (n % every !== 0) break;
            const kinds = spec.kinds ?? MALFORMED_KINDS;
            tick.malformed = kinds[Math.floor(n / every) % kinds.length];
            break;
          }
          default:
            break;
        }
      });
      return tick;
    },
  };
}
