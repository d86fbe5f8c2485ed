/** Vietnam keeps UTC+7 all year (no daylight saving since 1975), so a fixed offset is exact. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

const two = (n: number): string => String(n).padStart(2, '0');

/** HH:mm:ss of an epoch-ms instant in Asia/Ho_Chi_Minh, whatever the browser's time zone. */
export function formatClock(ts: number): string {
  const d = new Date(ts + VIETNAM_OFFSET_MS);
  if (Number.isNaN(d.getTime())) return '—';
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
