/**
 * Station local time (docs/DOMAIN.md, "Time"). Vietnam keeps UTC+7 all year (Asia/Ho_Chi_Minh
 * has had no daylight saving since 1975), so a local day is a fixed 24 h window and a fixed
 * offset is exact; data loggers and legacy files carry local timestamps too.
 */
export const LOCAL_OFFSET_MS = 7 * 3_600_000;
export const HOUR_MS = 3_600_000;
export const QUARTER_MS = 900_000;
export const DAY_MS = 86_400_000;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** Epoch ms of local midnight starting `date` (YYYY-MM-DD); undefined when it is not a real date. */
export function parseLocalDay(date: string): number | undefined {
  const m = DAY.exec(date);
  if (!m) return undefined;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March: a round trip tells a real date.
  if (new Date(utc).toISOString().slice(0, 10) !== date) return undefined;
  return utc - LOCAL_OFFSET_MS;
}

/** Local midnight of the month's first day and the number of days; undefined when not YYYY-MM. */
export function parseLocalMonth(month: string): { start: number; days: number } | undefined {
  const m = MONTH.exec(month);
  if (!m) return undefined;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  if (mo < 1 || mo > 12) return undefined;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return { start: Date.UTC(y, mo - 1, 1) - LOCAL_OFFSET_MS, days };
}

/** The local date (YYYY-MM-DD) an instant falls on. */
export function localDate(ms: number): string {
  return new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 10);
}

/** The local month (YYYY-MM) an instant falls on. */
export function localMonth(ms: number): string {
  return localDate(ms).slice(0, 7);
}

/** "08:00": the local hour an instant falls in. */
export function localHour(ms: number): string {
  return `${new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(11, 13)}:00`;
}

/**
 * RFC 3339 at a fixed offset (UTC+7 by default), as station data loggers write it:
 * "2026-11-20T08:00:00+07:00", or with `millis` "2026-11-20T08:00:00.000+07:00".
 */
export function localIso(ms: number, { millis = false, offsetMinutes = 420 }: { millis?: boolean; offsetMinutes?: number } = {}): string {
  const shifted = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, millis ? 23 : 19);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * A Date whose UTC calendar day is the local `date`: `Catalogue.limitAt` compares the
 * limit's effective dates (local calendar days in a permit) with the instant's UTC day.
 */
export function limitDay(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}
