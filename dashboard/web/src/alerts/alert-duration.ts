import { lang, t, type Lang } from '../i18n/index.js';
import { formatNumber } from '../number-format.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A count in the page's language (1.500 / 1,500). */
export const formatCount = (n: number, language: Lang = lang()): string => formatNumber(Math.round(n), language, 0);

/**
 * How long an alert has been open, in the page's language, to the minute: "12 phút",
 * "2 giờ 5 phút", "3 ngày 4 giờ" ("12 min", "2 h 5 min", "3 d 4 h"); two units at most, the
 * smaller one left out when it is zero. Under a minute (or a clock a little behind) is "< 1 min".
 */
export function formatDuration(ms: number, language: Lang = lang()): string {
  if (!Number.isFinite(ms) || ms < MINUTE) return t('dur_underMinute', {}, language);
  const n = (value: number): string => formatCount(value, language);
  const part = (key: 'dur_days' | 'dur_hours' | 'dur_minutes', value: number): string => t(key, { n: n(value) }, language);
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${part('dur_days', days)} ${part('dur_hours', hours)}` : part('dur_days', days);
  if (hours > 0) return minutes > 0 ? `${part('dur_hours', hours)} ${part('dur_minutes', minutes)}` : part('dur_hours', hours);
  return part('dur_minutes', minutes);
}
