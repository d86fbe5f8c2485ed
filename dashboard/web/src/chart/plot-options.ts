import uPlot from 'uplot';
import { formatDateTime } from '../format-clock.js';
import { formatValue } from '../format-value.js';
import { t } from '../i18n/index.js';
import { colourValue } from '../theme.js';
import { LOCAL_OFFSET_MS } from '../../../../platform/time/local-time.js';

export const PLOT_HEIGHT = 320;

const two = (n: number): string => String(n).padStart(2, '0');

/** Axis tick in UTC+7: HH:mm, or dd/MM when ticks are a day or more apart (uPlot passes seconds). */
export function axisLabel(seconds: number, incrS: number): string {
  const d = new Date(seconds * 1000 + LOCAL_OFFSET_MS);
  if (incrS >= 86_400) return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}`;
  const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  return incrS < 60 ? `${hm}:${two(d.getUTCSeconds())}` : hm;
}

/** A bucket's width for people: 5 min, 1 h, 1 d. */
export const human = (ms: number): string =>
  ms >= 86_400_000
    ? `${ms / 86_400_000} d`
    : ms >= 3_600_000
      ? `${ms / 3_600_000} h`
      : ms >= 60_000
        ? `${ms / 60_000} min`
        : `${ms / 1000} s`;

const value = (_u: uPlot, v: number | null): string => (v == null ? '—' : formatValue(v));

/**
 * uPlot's options for one parameter: mean line, min-max band, the limit as a dashed line in
 * the critical colour (drawn on a canvas, so the theme's values, not its CSS variables), calibration
 * and fault values as grey dots, a 24-hour clock in UTC+7.
 */
export function plotOptions(
  parameter: string,
  unit: string,
  limit: { max?: number; min?: number } | null | undefined,
  width: number,
): uPlot.Options {
  const minmax = colourValue('chart-minmax');
  const limitLine = { stroke: colourValue('critical'), width: 1.5, dash: [6, 4], points: { show: false } };
  const faint = colourValue('text-faint');
  return {
    width,
    height: PLOT_HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Ho_Chi_Minh'),
    scales: { x: { time: true } },
    legend: { live: true },
    series: [
      { label: 'UTC+7', value: (_u, v) => (v == null ? '—' : formatDateTime(v * 1000)) },
      { label: `${parameter} ${t('mean')} (${unit})`, stroke: colourValue('link'), width: 2, value },
      { label: 'min', stroke: minmax, width: 1, value },
      { label: 'max', stroke: minmax, width: 1, value },
      { label: `${t('limit')} (${unit})`, ...limitLine, show: limit?.max !== undefined },
      { label: `${t('limit')} min`, ...limitLine, show: limit?.min !== undefined },
      { label: t('flagged'), stroke: faint, width: 0, paths: () => null, points: { show: true, size: 5, fill: faint, stroke: faint } },
    ],
    bands: [{ series: [3, 2], fill: colourValue('chart-band') }],
    // 24-hour clock in UTC+7 (tzDate above), the date when the range spans days.
    axes: [{ values: (_u, splits, _i, _space, incr) => splits.map((v) => axisLabel(v, incr)) }, { label: unit, size: 60 }],
  };
}
