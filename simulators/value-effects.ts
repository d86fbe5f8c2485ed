import type { Catalogue, Station, StationParameter, Status } from '../core/index.js';
import type { ScenarioSpec } from './scenario-schema.js';
import type { ActiveWindow } from './scenario-window.js';

/** One reading on its way through the scenarios that act on values. */
export interface ValueSample {
  parameter: StationParameter;
  ts: number;
  value: number;
  status: Status;
}

export interface EffectContext {
  catalogue: Catalogue;
  station: Station;
  /** The normal level of the parameter at this time (no noise). */
  reference: number;
  gauss: () => number;
  window: ActiveWindow;
  /** Per scenario and parameter, kept across samples (flatline value, spike count). */
  state: Record<string, number | undefined>;
}

/** Default levels as a fraction of the limit (pH: of the distance from neutral 7 to its upper limit). */
const DEFAULT_LEVEL = { spike: 1.6, drift: 1.15, exceedance: 1.3 } as const;
/** shift: half the normal level, e.g. O2 at a stack whose combustion air has failed. */
const DEFAULT_FACTOR = 0.5;

/**
 * Applies one value scenario to a sample (mutating it); returns false when the scenario
 * did not act on this sample (a spike whose samples are used up).
 */
export function applyValueEffect(spec: ScenarioSpec, sample: ValueSample, ctx: EffectContext): boolean {
  const target = (level: number): number => targetValue(ctx, sample, level);
  switch (spec.name) {
    case 'spike': {
      // Count samples per occurrence: a spike is a sample or a few, whatever the sampling rate.
      if (ctx.state.occurrence !== ctx.window.index) {
        ctx.state.occurrence = ctx.window.index;
        ctx.state.count = 0;
      }
      // Without `samples`, a spike given a window (forS) lasts the window; else one sample.
      if ((ctx.state.count ?? 0) >= (spec.samples ?? (spec.forS === undefined ? 1 : Infinity))) return false;
      ctx.state.count = (ctx.state.count ?? 0) + 1;
      sample.value = target(spec.level ?? DEFAULT_LEVEL.spike) * (1 + 0.02 * ctx.gauss());
      return true;
    }
    case 'drift': {
      // A linear ramp added to the natural signal, so the noise stays (a real drift does not
      // smooth the signal): from the normal level to `level` x limit at the window's end.
      const shift = (target(spec.level ?? DEFAULT_LEVEL.drift) - ctx.reference) * ctx.window.progress;
      sample.value += shift;
      return true;
    }
    case 'exceedance':
      sample.value = target(spec.level ?? DEFAULT_LEVEL.exceedance) * (1 + 0.04 * ctx.gauss());
      return true;
    case 'shift': {
      // Scales the natural signal, noise and daily cycle kept, so it reads as the same process
      // in another state; an analyser cannot read outside its range.
      const v = sample.value * (spec.factor ?? DEFAULT_FACTOR);
      sample.value = Math.min(sample.parameter.rangeMax ?? Infinity, Math.max(sample.parameter.rangeMin ?? 0, v));
      return true;
    }
    case 'calibration': {
      // Zero gas for the first half of the window, span gas (80 % of range) for the second,
      // flagged 01: stored but never counted toward compliance (docs/DOMAIN.md).
      const lo = sample.parameter.rangeMin ?? 0;
      const hi = sample.parameter.rangeMax ?? ctx.reference * 2;
      const span = ctx.window.progress >= 0.5;
      sample.value = span ? lo + 0.8 * (hi - lo) : lo + 0.002 * (hi - lo) * Math.abs(ctx.gauss());
      sample.status = '01';
      return true;
    }
    case 'fault': {
      sample.status = spec.status ?? '02';
      if (spec.mode === 'out_of_range') {
        const hi = sample.parameter.rangeMax ?? ctx.reference * 10;
        sample.value = hi * 1.25;
      } else {
        // A frozen analyser repeats its last value exactly: the flatline the rule looks for.
        if (ctx.state.flat === undefined || ctx.state.flatOccurrence !== ctx.window.index) {
          ctx.state.flat = sample.value;
          ctx.state.flatOccurrence = ctx.window.index;
        }
        sample.value = ctx.state.flat;
      }
      return true;
    }
    default:
      return false;
  }
}

function targetValue(ctx: EffectContext, sample: ValueSample, level: number): number {
  const limit = ctx.catalogue.limitAt(ctx.station.id, sample.parameter.parameter, new Date(sample.ts));
  if (limit === undefined) return ctx.reference * 2 * level;
  if (sample.parameter.parameter === 'pH') return 7 + (limit.max - 7) * level;
  return limit.max * level;
}

export const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;
