import type uPlot from 'uplot';
import { LOCAL_OFFSET_MS } from '../../../../platform/time/local-time.js';
import { lang, type Lang } from '../i18n/index.js';
import { formatNumber, localeOf } from '../number-format.js';

/** How the x axis writes its ticks, chosen by their spacing and the span shown. */
export type TickFormat = 'seconds' | 'time' | 'dayTime' | 'date';

const DAY_S = 86_400;

/**
 * Seconds when ticks are under a minute apart (a deep zoom), HH:MM within a day, the day and
 * HH:MM when hourly ticks cover several days, the date alone for daily ticks.
 */
export function tickFormat(incrS: number, spanS: number): TickFormat {
  if (incrS >= DAY_S) return 'date';
  if (incrS < 60) return 'seconds';
  return spanS > DAY_S ? 'dayTime' : 'time';
}

/**
 * Least room between ticks, px, for the widest label the span can need ("5 thg 12 06:48"),
 * so labels never run together at any zoom: uPlot then picks a tick spacing that fits.
 */
export function tickSpace(spanS: number): number {
  if (spanS > DAY_S && spanS <= 4 * DAY_S) return 110;
  return spanS <= 600 ? 80 : 70;
}

const two = (n: number): string => String(n).padStart(2, '0');
const dayFormats = new Map<Lang, Intl.DateTimeFormat>();

/** "5 thg 12" / "5 Dec": the day in the page's language, in UTC+7. */
function day(ms: number, language: Lang): string {
  let f = dayFormats.get(language);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(language === 'vi' ? localeOf('vi') : 'en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });
    dayFormats.set(language, f);
  }
  return f.format(new Date(ms + LOCAL_OFFSET_MS));
}

/** A tick (epoch seconds) in UTC+7, 24-hour clock. */
export function formatTick(seconds: number, format: TickFormat, language: Lang = lang()): string {
  const ms = seconds * 1000;
  const d = new Date(ms + LOCAL_OFFSET_MS);
  const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  switch (format) {
    case 'seconds':
      return `${hm}:${two(d.getUTCSeconds())}`;
    case 'time':
      return hm;
    case 'dayTime':
      return `${day(ms, language)} ${hm}`;
    case 'date':
      return day(ms, language);
  }
}

/** The x scale's range, epoch seconds (0, 0 before the first draw). */
export function xRange(u: uPlot): [number, number] {
  const x = u.scales['x'];
  return [x?.min ?? 0, x?.max ?? 0];
}

const spanOf = (u: uPlot): number => xRange(u)[1] - xRange(u)[0];

/** The last labels each axis drew, for the page's tests (the axes are drawn on a canvas). */
export type TickRecord = { x: string[]; y: string[] };

/** The x and y axes: ticks per span in the page's language, values in its number format. */
export function axes(unit: string, record: TickRecord): uPlot.Axis[] {
  return [
    {
      space: (u) => tickSpace(spanOf(u)),
      values: (u, splits, _i, _space, incr) => {
        const format = tickFormat(incr, spanOf(u));
        return (record.x = splits.map((v) => formatTick(v, format)));
      },
    },
    {
      label: unit,
      size: 70,
      values: (_u, splits) => (record.y = splits.map((v) => formatNumber(v))),
    },
  ];
}
