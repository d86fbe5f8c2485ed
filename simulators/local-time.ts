/** RFC 3339 in Vietnam's local time (UTC+7), as station data loggers write it. */
export function toLocalIso(ms: number, offsetMinutes = 420): string {
  const shifted = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
