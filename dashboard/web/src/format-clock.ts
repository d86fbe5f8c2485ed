// Station local time (UTC+7 all year, docs/DOMAIN.md "Time") from the one module the server
// uses too: the file itself, pure functions, so the bundle takes nothing else of platform/.
import { LOCAL_OFFSET_MS } from '../../../platform/time/local-time.js';
export { localDate } from '../../../platform/time/local-time.js';

const two = (n: number): string => String(n).padStart(2, '0');

/** HH:mm:ss of an epoch-ms instant in Asia/Ho_Chi_Minh, whatever the browser's time zone. */
export function formatClock(ts: number): string {
  const d = new Date(ts + LOCAL_OFFSET_MS);
  if (Number.isNaN(d.getTime())) return '—';
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** yyyy-MM-dd HH:mm in UTC+7. */
export function formatDateTime(ts: number): string {
  const d = new Date(ts + LOCAL_OFFSET_MS);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** The ISO instant for a tooltip (the exact time, in UTC). */
export function isoTitle(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** `datetime-local` input value (local = UTC+7) of an instant, and back. */
export function toLocalInput(ts: number): string {
  return new Date(ts + LOCAL_OFFSET_MS).toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): number | undefined {
  const ms = Date.parse(`${value}:00Z`);
  return Number.isFinite(ms) ? ms - LOCAL_OFFSET_MS : undefined;
}
