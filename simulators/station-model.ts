import type { Catalogue, Station, StationParameter } from '../core/index.js';
import { createPrng } from './prng.js';
import { createGaussian, createWander, seedFor, type Wander } from './noise.js';

/**
 * What a healthy station measures, per parameter, as a function of measurement time:
 * - a diurnal production cycle (shifts from early morning to late evening, a lunch dip, low
 *   at night) drives the process load; wastewater Flow and stack Flow follow it;
 * - concentrations follow the load and share one wander, so COD, TSS and Colour move together
 *   as they do in a real effluent;
 * - at a stack, O2 falls as load rises (less excess air), SO2, NOx and dust rise with fuel
 *   rate, and CO climbs steeply when O2 runs low (incomplete combustion);
 * - every signal carries correlated wander (AR(1)) plus a little white measurement noise.
 * Normal levels stay well under 0.8 x the limit (the alert rules' warning fraction), so a
 * healthy station raises nothing; the scenarios push values where they should go.
 * Deterministic: the same seed, station and sample times give the same values.
 */
export interface StationModel {
  readonly station: Station;
  /** Advances the model to `ts` (epoch ms; call with increasing times) and returns a value per parameter. */
  sample(ts: number): Map<string, number>;
  /** The level a parameter sits at under normal operation at `ts` (no noise), for scenarios to scale from. */
  reference(parameter: string, ts: number): number;
}

/** Typical levels for parameters that have no limit to scale from. */
const TYPICAL: Readonly<Record<string, number>> = { Temp: 30, pH: 7.2, P: 101.3, O2: 9.5, Flow: 150, Color: 30, TN: 12, TP: 2, TOC: 20 };
const MINUTE = 60_000;

export function createStationModel(catalogue: Catalogue, station: Station, seed: number): StationModel {
  const random = createPrng(seedFor(seed, station.id));
  const gauss = createGaussian(random);
  // Per-station character: how clean it runs, when its shifts start, how big its swing is.
  const cleanliness = 0.35 + random() * 0.15;
  const shiftStart = 5.5 + random() * 2;
  const shiftEnd = 21 + random() * 2;
  const nightLoad = station.kind === 'stack' ? 0.65 + random() * 0.1 : 0.4 + random() * 0.15;
  const load = createWander(gauss, 20 * MINUTE);
  const shared = createWander(gauss, 8 * MINUTE);
  let thermal = 0;
  let lastTs: number | undefined;
  const own = new Map<string, Wander>(station.parameters.map((p) => [p.parameter, createWander(gauss, 4 * MINUTE)]));

  const limitOf = (parameter: string, ts: number): number | undefined => catalogue.limitAt(station.id, parameter, new Date(ts))?.max;
  const levelOf = (parameter: string, ts: number): number => {
    const limit = limitOf(parameter, ts);
    return limit !== undefined && parameter !== 'pH' && parameter !== 'Temp' ? limit * cleanliness : (TYPICAL[parameter] ?? 10);
  };
  const diurnal = (ts: number): number => {
    const h = localHour(ts);
    const on = sigmoid((h - shiftStart) / 0.4) * (1 - sigmoid((h - shiftEnd) / 0.4));
    const lunch = Math.exp(-(((h - 12.1) / 0.5) ** 2));
    return nightLoad + (1 - nightLoad) * on - 0.1 * lunch * on;
  };

  const compute = (p: StationParameter, ts: number, L: number, s: number, o: number, o2: number): number => {
    const level = levelOf(p.parameter, ts);
    const h = localHour(ts);
    const ambient = 25.5 + 2.5 * Math.sin(((h - 9) / 24) * 2 * Math.PI);
    if (station.kind === 'stack') {
      switch (p.parameter) {
        case 'Flow':
          return (p.rangeMax ?? 60_000) * 0.55 * L * (1 + 0.02 * o);
        case 'Temp':
          return 105 + 55 * thermal + o;
        case 'P':
          return 101.3 + 0.25 * o;
        case 'O2':
          return o2;
        // CO climbs steeply as O2 runs short, then saturates (the burner's control steps in).
        case 'CO':
          return level * (0.3 + 0.35 * Math.min(Math.exp(-(o2 - 7.5) / 1.5), 2)) * (1 + 0.1 * o);
        case 'NOx':
          return level * (0.55 + 0.45 * L) * (1 + 0.06 * s + 0.04 * o);
        default:
          return level * (0.45 + 0.55 * L) * (1 + 0.07 * s + 0.05 * o);
      }
    }
    switch (p.parameter) {
      case 'Flow':
        return (p.rangeMax ?? 500) * 0.4 * L * (1 + 0.03 * o);
      case 'Temp':
        return ambient + 1.5 * L + 0.3 * o;
      case 'pH':
        return 7.2 + 0.08 * o + 0.04 * s;
      default:
        return level * (0.7 + 0.3 * L) * (1 + 0.09 * s + 0.05 * o);
    }
  };

  return {
    station,
    sample(ts) {
      const L = diurnal(ts) * (1 + 0.06 * load.at(ts));
      // A stack's gas temperature follows the load through the boiler's thermal inertia (~5 min).
      thermal = lastTs === undefined ? L : thermal + (L - thermal) * (1 - Math.exp(-(ts - lastTs) / (5 * MINUTE)));
      lastTs = ts;
      const s = shared.at(ts);
      const o2 = 13.8 - 6 * L + 0.35 * (own.get('O2')?.at(ts) ?? 0);
      const out = new Map<string, number>();
      for (const p of station.parameters) {
        const o = p.parameter === 'O2' ? 0 : own.get(p.parameter)!.at(ts);
        out.set(p.parameter, finish(p, withWhiteNoise(p.parameter, compute(p, ts, L, s, o, o2), gauss())));
      }
      return out;
    },
    reference(parameter, ts) {
      const p = station.parameters.find((x) => x.parameter === parameter);
      if (!p) return TYPICAL[parameter] ?? 10;
      return compute(p, ts, diurnal(ts), 0, 0, 13.8 - 6 * diurnal(ts));
    },
  };
}

/** Hour of day in Vietnam's local time (UTC+7), as a fraction. */
export function localHour(ts: number): number {
  return (((ts / 3_600_000 + 7) % 24) + 24) % 24;
}

/** Clamps to the instrument's range and rounds to its resolution. */
export function finish(p: StationParameter, value: number): number {
  const lo = p.rangeMin ?? 0;
  const hi = p.rangeMax ?? Infinity;
  const clamped = Math.min(hi, Math.max(lo, value));
  const digits = p.parameter === 'Flow' ? 1 : 2;
  return Math.round(clamped * 10 ** digits) / 10 ** digits;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Measurement noise of the instrument: absolute for pH and temperature probes, relative for the rest. */
function withWhiteNoise(parameter: string, value: number, g: number): number {
  if (parameter === 'pH') return value + 0.008 * g;
  if (parameter === 'Temp') return value + 0.01 * g;
  return value * (1 + 0.005 * g);
}
