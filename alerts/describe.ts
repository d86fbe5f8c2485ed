import { renderAlertText, type AlertCode, type AlertParams } from '../core/index.js';
import type { Detail, Track } from './track.js';

type Describe = (t: Track) => Detail;

/**
 * One function per rule and unit (and window or interval), shared by every series that has
 * them: 16,000 series would otherwise hold 40,000 identical closures.
 */
const shared = new Map<string, Describe>();
function once(key: string, make: () => Describe): Describe {
  let f = shared.get(key);
  if (!f) shared.set(key, (f = make()));
  return f;
}

/** Finite numbers only: a parameter that is NaN is left out (the text shows a dash). */
function plain(params: Record<string, string | number | undefined>): AlertParams {
  const out: AlertParams = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string') {
      if (v !== '') out[k] = v;
    } else if (v !== undefined && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

/** The detail of a code: its parameters, and `message` in English (for MQTT subscribers and older readers). */
function detail(code: AlertCode, params: AlertParams, figures: Omit<Detail, 'message' | 'code' | 'params'>): Detail {
  return { code, params, message: renderAlertText(code, params, 'en')!, ...figures };
}

/**
 * A message code and its parameters per rule, built only when an alert is raised or escalated.
 * Each reads the scratch fields the rule left on the track (value, limit, forecastAt, extent, note).
 */
export function describeThreshold(unit: string): Describe {
  return once(`threshold|${unit}`, () => (t) => {
    const lower = t.note === 'lower';
    const code: AlertCode = lower
      ? t.value < t.limit
        ? 'threshold.below_lower'
        : 'threshold.near_lower'
      : t.value > t.limit
        ? 'threshold.above'
        : 'threshold.approaching';
    const percent = code === 'threshold.approaching' ? Math.round((t.value / t.limit) * 100) : undefined;
    const params = plain({ parameter: t.parameter, unit, value: t.value, limit: t.limit, percent });
    return detail(code, params, { value: t.value, limit: t.limit, unit });
  });
}

export function describeAverage(unit: string, windowMin: number): Describe {
  return once(`average|${unit}|${windowMin}`, () => (t) => {
    const code: AlertCode = t.note === 'lower' ? 'average.below_lower' : 'average.above';
    const params = plain({ parameter: t.parameter, unit, value: t.value, limit: t.limit, windowMin });
    return detail(code, params, { value: t.value, limit: t.limit, unit });
  });
}

export function describeTrend(unit: string): Describe {
  return once(`trend|${unit}`, () => (t) => {
    const code: AlertCode = t.note === 'lower' ? 'trend.fall_below' : 'trend.exceed';
    const params = plain({ parameter: t.parameter, unit, value: t.value, limit: t.limit, forecastAt: t.forecastAt });
    return detail(code, params, { value: t.value, limit: t.limit, unit, forecastAt: t.forecastAt });
  });
}

export function describeRate(unit: string): Describe {
  return once(
    `rate|${unit}`,
    () => (t) =>
      detail('rate.above', plain({ parameter: t.parameter, unit, value: t.value, limit: t.limit }), {
        value: t.value,
        limit: t.limit,
        unit,
      }),
  );
}

/** The sensor fault's kind is the track's note (series.ts): `device` (status 02), `flatline` or `range`. */
export function describeFault(unit: string, rangeMin: number, rangeMax: number): Describe {
  return once(`fault|${unit}|${rangeMin}|${rangeMax}`, () => (t) => {
    const base = { parameter: t.parameter, unit, value: t.value };
    const [code, params]: [AlertCode, AlertParams] =
      t.note === 'device'
        ? ['sensor_fault.device', plain({ ...base, minutes: Math.round(t.extent / 60_000) })]
        : t.note === 'flatline'
          ? ['sensor_fault.flatline', plain({ ...base, count: t.extent })]
          : ['sensor_fault.out_of_range', plain({ ...base, rangeMin, rangeMax })];
    return detail(code, params, { value: t.value, unit });
  });
}

export function describeStale(intervalS: number): Describe {
  return once(
    `stale|${intervalS}`,
    () => (t) =>
      t.note === 'will'
        ? detail('stale.will', {}, {})
        : detail('stale.no_data', plain({ minutes: Math.round(t.value / 60_000), intervalS }), {}),
  );
}

export function describeBacklog() {
  return (t: Track): Detail => detail('backlog.spool', plain({ percent: t.value, admission: t.note }), { value: t.value, unit: '%' });
}
