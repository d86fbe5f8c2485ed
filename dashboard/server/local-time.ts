/** Vietnam keeps UTC+7 all year (no daylight saving since 1975): a fixed offset is exact. */
export const LOCAL_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;

/** "2026-11-27T08:15:00.000+07:00": an instant in station local time, for CSV. */
export function localIso(ms: number): string {
  return `${new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 23)}+07:00`;
}

/** Local midnight starting `date` (YYYY-MM-DD), epoch ms; undefined when not a real date. */
export function localDayStart(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(utc).toISOString().slice(0, 10) !== date) return undefined;
  return utc - LOCAL_OFFSET_MS;
}

/** The local date (YYYY-MM-DD) an instant falls on. */
export function localDate(ms: number): string {
  return new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 10);
}
