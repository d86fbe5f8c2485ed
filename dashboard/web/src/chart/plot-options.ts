import uPlot from 'uplot';
import { formatDateTime } from '../format-clock.js';
import { formatValue } from '../format-value.js';
import { t } from '../i18n/index.js';
import { colourValue } from '../theme.js';
import { axes, type TickRecord } from './time-axis.js';

export const PLOT_HEIGHT = 320;

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

/** What the options need besides the series: the window's x range and where to record ticks. */
export interface PlotContext {
  parameter: string;
  unit: string;
  limit: { max?: number; min?: number } | null | undefined;
  width: number;
  ticks: TickRecord;
  /** Called after each draw (new data, a drag zoom, a double-click, a new window). */
  onDraw: (u: uPlot) => void;
}

/**
 * uPlot's options for one parameter: mean line, min-max band, the limit as a dashed line in
 * the critical colour (drawn on a canvas, so the theme's values, not its CSS variables), calibration
 * and fault values as grey dots, a 24-hour clock in UTC+7. Lines break at nulls (`spanGaps`
 * false): a silence is shown as one. Texts and numbers in the page's language.
 */
export function plotOptions(c: PlotContext): uPlot.Options {
  const { unit, limit } = c;
  const minmax = colourValue('chart-minmax');
  const limitLine = { stroke: colourValue('critical'), width: 1.5, dash: [6, 4], points: { show: false }, spanGaps: false };
  const faint = colourValue('text-faint');
  return {
    width: c.width,
    height: PLOT_HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Ho_Chi_Minh'),
    // The data spans the chosen window (an empty point at each end): uPlot's own reset, a
    // double-click, goes back to the window, not to the extent of the data.
    scales: { x: { time: true } },
    legend: { live: true },
    cursor: { drag: { x: true, y: false, setScale: true } },
    hooks: { draw: [(u) => c.onDraw(u)] },
    series: [
      { label: t('chart_time'), value: (_u, v) => (v == null ? '—' : formatDateTime(v * 1000)) },
      { label: t('chart_mean', { parameter: c.parameter, unit }), stroke: colourValue('link'), width: 2, value, spanGaps: false },
      { label: t('chart_min'), stroke: minmax, width: 1, value, spanGaps: false },
      { label: t('chart_max'), stroke: minmax, width: 1, value, spanGaps: false },
      { label: t('chart_limitMax', { unit }), ...limitLine, value, show: limit?.max !== undefined },
      { label: t('chart_limitMin', { unit }), ...limitLine, value, show: limit?.min !== undefined },
      {
        label: t('flagged'),
        stroke: faint,
        width: 0,
        value,
        paths: () => null,
        points: { show: true, size: 5, fill: faint, stroke: faint },
      },
    ],
    bands: [{ series: [3, 2], fill: colourValue('chart-band') }],
    axes: axes(unit, c.ticks),
  };
}
