import { duration, localHhmm, num, withUnit } from './format.js';
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

/**
 * Human text per rule, built only when an alert is raised or escalated. Each reads the
 * scratch fields the rule left on the track (value, limit, forecastAt, note).
 */
export function describeThreshold(unit: string): Describe {
  return once(`threshold|${unit}`, () => (t) => {
    const lower = t.note === 'lower';
    let message: string;
    if (lower)
      message =
        t.value < t.limit
          ? `${t.parameter} ${withUnit(t.value, unit)} below the lower limit ${withUnit(t.limit, unit)}`
          : `${t.parameter} ${withUnit(t.value, unit)} near the lower limit ${withUnit(t.limit, unit)}`;
    else if (t.value > t.limit) message = `${t.parameter} ${withUnit(t.value, unit)} above the limit ${withUnit(t.limit, unit)}`;
    else
      message = `${t.parameter} ${withUnit(t.value, unit)} at ${Math.round((t.value / t.limit) * 100)}% of the limit ${withUnit(t.limit, unit)}`;
    return { message, value: t.value, limit: t.limit, unit };
  });
}

export function describeAverage(unit: string, windowMin: number): Describe {
  return once(`average|${unit}|${windowMin}`, () => (t) => ({
    message: `non-compliance: ${windowMin}-min mean of ${t.parameter} ${withUnit(t.value, unit)} ${t.note === 'lower' ? 'below the lower limit' : 'above the limit'} ${withUnit(t.limit, unit)} (status-00 values only; valid window: at least 3 of 4 quarter-hours with data)`,
    value: t.value,
    limit: t.limit,
    unit,
  }));
}

export function describeTrend(unit: string): Describe {
  return once(`trend|${unit}`, () => (t) => ({
    message: `${t.parameter} forecast to ${t.note === 'lower' ? 'fall below' : 'exceed'} ${withUnit(t.limit, unit)} at ${localHhmm(t.forecastAt)} (UTC+7); one-minute mean now ${withUnit(t.value, unit)}`,
    value: t.value,
    limit: t.limit,
    unit,
    forecastAt: t.forecastAt,
  }));
}

export function describeRate(unit: string): Describe {
  return once(`rate|${unit}`, () => (t) => ({
    message: `${t.parameter} changing at ${withUnit(t.value, unit)} per min, above the configured ${withUnit(t.limit, unit)} per min`,
    value: t.value,
    limit: t.limit,
    unit,
  }));
}

export function describeFault(unit: string): Describe {
  return once(`fault|${unit}`, () => (t) => ({ message: `${t.parameter} sensor fault: ${t.note}`, value: t.value, unit }));
}

export function describeStale(intervalS: number): Describe {
  return once(`stale|${intervalS}`, () => (t) => ({
    message:
      t.note === 'will'
        ? 'transmission interrupted: the gateway went offline (MQTT will)'
        : `transmission interrupted: no data for ${duration(t.value)} (expected every ${intervalS < 120 ? `${intervalS} s` : duration(intervalS * 1000)})`,
  }));
}

export function describeBacklog() {
  return (t: Track): Detail => ({
    message: `storage backlog: spool at ${num(t.value)}% of its disk budget${t.note ? `; admission ${t.note}` : ''}`,
    value: t.value,
    unit: '%',
  });
}
