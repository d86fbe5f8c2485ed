import { localDate, localIso } from '../platform/index.js';

/** `HH:MM` in Vietnam time (UTC+7, docs/DOMAIN.md "Time"), what inspectors read on their clocks, e.g. "forecast to exceed at 14:20". */
export function localHhmm(ms: number): string {
  // localIso ends "HH:MM:SS+07:00".
  return localIso(ms).slice(-14, -9);
}

/** `YYYY-MM-DD HH:MM (UTC+7)` for notification bodies. */
export function localDateTime(ms: number): string {
  return `${localDate(ms)} ${localHhmm(ms)} (UTC+7)`;
}

/** `12 min`, `2 h 5 min`. */
export function duration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}
