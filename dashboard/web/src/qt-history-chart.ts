import { LitElement, css, html, nothing, unsafeCSS, type PropertyValues, type TemplateResult } from 'lit';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import type { Reading } from '../../../core/index.js';
import { api } from './api.js';
import { formatDateTime, isoTitle } from './format-clock.js';
import { formatValue } from './format-value.js';
import { LangController, t } from './i18n.js';

export type ChartRange = 'live' | '1h' | '24h' | '7d' | 'custom';

const SPAN_MS: Record<Exclude<ChartRange, 'custom'>, number> = { live: 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
/** Ranges short enough to extend with every live reading; longer ones re-fetch their buckets. */
const APPENDS_LIVE: ReadonlySet<ChartRange> = new Set(['live', '1h']);
const REFETCH_MS = 60_000;

interface History {
  unit: string;
  stepMs: number;
  limit: { max: number; min?: number } | null;
  points: Array<[number, number, number, number, number]>;
  flagged: Array<[number, number, string]>;
}

const two = (n: number): string => String(n).padStart(2, '0');
/** Axis tick in UTC+7: HH:mm, or dd/MM when ticks are a day or more apart (uPlot passes seconds). */
function axisLabel(seconds: number, incrS: number): string {
  const d = new Date(seconds * 1000 + 7 * 3_600_000);
  if (incrS >= 86_400) return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}`;
  const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  return incrS < 60 ? `${hm}:${two(d.getUTCSeconds())}` : hm;
}

const human = (ms: number): string => (ms >= 86_400_000 ? `${ms / 86_400_000} d` : ms >= 3_600_000 ? `${ms / 3_600_000} h` : ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`);

/**
 * One parameter's chart (uPlot on a canvas): history from InfluxDB downsampled by the
 * server (`GET /api/history`, GROUP BY time: mean line, min-max band, calibration and fault
 * values as grey dots), the limit as a dashed red line, and live readings appended as they
 * arrive. Times on the axis in UTC+7.
 */
export class QtHistoryChart extends LitElement {
  static override properties = {
    station: { attribute: false },
    parameter: { attribute: false },
    unit: { attribute: false },
    range: { attribute: false },
    from: { attribute: false },
    to: { attribute: false },
    live: { attribute: false },
    intervalS: { attribute: false },
    loadState: { state: true },
    error: { state: true },
  };
  declare station: string;
  declare parameter: string;
  declare unit: string;
  declare range: ChartRange;
  /** Custom range, epoch ms. */
  declare from: number | undefined;
  declare to: number | undefined;
  /** The latest reading of this series, from the live socket. */
  declare live: Reading | undefined;
  /** The station's reporting interval: a longer silence is drawn as a gap, not a straight line. */
  declare intervalS: number;
  declare loadState: 'loading' | 'ready' | 'empty' | 'error';
  declare error: string | undefined;
  readonly #lang = new LangController(this);

  #plot: uPlot | undefined;
  #resize: ResizeObserver | undefined;
  #abort: AbortController | undefined;
  #refetch: ReturnType<typeof setInterval> | undefined;
  #history: History | undefined;
  #x: number[] = [];
  #mean: Array<number | null> = [];
  #min: Array<number | null> = [];
  #max: Array<number | null> = [];
  #flag: Array<number | null> = [];
  #window: { from: number; to: number } = { from: 0, to: 0 };
  #lastLiveTs = -Infinity;
  /** The series the uPlot instance was built for: another one needs new labels and limits. */
  #plotKey = '';

  constructor() {
    super();
    this.station = '';
    this.parameter = '';
    this.unit = '';
    this.range = '1h';
    this.from = undefined;
    this.to = undefined;
    this.live = undefined;
    this.intervalS = 60;
    this.loadState = 'loading';
    this.error = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#refetch = setInterval(() => {
      if (this.range === '24h' || this.range === '7d') void this.#load();
    }, REFETCH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#refetch);
    this.#abort?.abort();
    this.#resize?.disconnect();
    this.#plot?.destroy();
    this.#plot = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('station') || changed.has('parameter') || changed.has('range') || changed.has('from') || changed.has('to')) {
      void this.#load();
    } else if (changed.has('live')) {
      this.#appendLive();
    }
  }

  #span(): { from: number; to: number } {
    if (this.range === 'custom' && this.from !== undefined && this.to !== undefined) return { from: this.from, to: this.to };
    const to = Date.now();
    return { from: to - SPAN_MS[this.range === 'custom' ? '24h' : this.range], to };
  }

  async #load(): Promise<void> {
    if (!this.station || !this.parameter) return;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const { from, to } = this.#span();
    this.#window = { from, to };
    if (this.#history === undefined) this.loadState = 'loading';
    const q = new URLSearchParams({ station: this.station, parameter: this.parameter, from: String(from), to: String(to), points: '900' });
    try {
      const h = await api<History>(`/api/history?${q}`, { signal: abort.signal });
      if (abort.signal.aborted) return;
      const key = `${this.station}|${this.parameter}|${h.limit?.max}|${h.limit?.min}|`;
      if (key !== this.#plotKey) {
        this.#resize?.disconnect();
        this.#plot?.destroy();
        this.#plot = undefined;
        this.#plotKey = key;
      }
      this.#history = h;
      this.#setData(h);
      this.loadState = h.points.length + h.flagged.length === 0 && this.live === undefined ? 'empty' : 'ready';
      this.error = undefined;
      this.#draw();
    } catch (err) {
      if (abort.signal.aborted) return;
      this.loadState = 'error';
      this.error = (err as Error).message;
    }
  }

  #setData(h: History): void {
    const byX = new Map<number, { mean: number | null; min: number | null; max: number | null; flag: number | null }>();
    for (const [t0, mean, min, max] of h.points) byX.set(t0, { mean, min, max, flag: null });
    for (const [t0, mean] of h.flagged) {
      const e = byX.get(t0) ?? { mean: null, min: null, max: null, flag: null };
      e.flag = mean;
      byX.set(t0, e);
    }
    const sorted = [...byX.keys()].sort((a, b) => a - b);
    // A null point in every silence longer than three buckets and three reporting intervals:
    // uPlot breaks the line there instead of joining across missing data.
    const gap = this.#gapMs(h.stepMs);
    const xs: number[] = [];
    for (const x of sorted) {
      const prev = xs[xs.length - 1];
      if (prev !== undefined && x - prev > gap) {
        const mid = Math.round((prev + x) / 2);
        byX.set(mid, { mean: null, min: null, max: null, flag: null });
        xs.push(mid);
      }
      xs.push(x);
    }
    this.#x = xs.map((x) => x / 1000);
    this.#mean = xs.map((x) => byX.get(x)!.mean);
    this.#min = xs.map((x) => byX.get(x)!.min);
    this.#max = xs.map((x) => byX.get(x)!.max);
    this.#flag = xs.map((x) => byX.get(x)!.flag);
    this.#lastLiveTs = xs.length > 0 ? xs[xs.length - 1]! : -Infinity;
  }

  #gapMs(stepMs: number): number {
    return Math.max(3 * stepMs, 3 * this.intervalS * 1000);
  }

  #appendLive(): void {
    const r = this.live;
    if (!r || !APPENDS_LIVE.has(this.range) || !this.#history || r.ts <= this.#lastLiveTs) return;
    this.#lastLiveTs = r.ts;
    const valid = r.status === '00';
    const prev = this.#x[this.#x.length - 1];
    if (prev !== undefined && r.ts - prev * 1000 > this.#gapMs(this.#history.stepMs)) {
      this.#x.push((prev + r.ts / 1000) / 2);
      for (const a of [this.#mean, this.#min, this.#max, this.#flag]) a.push(null);
    }
    this.#x.push(r.ts / 1000);
    this.#mean.push(valid ? r.value : null);
    this.#min.push(valid ? r.value : null);
    this.#max.push(valid ? r.value : null);
    this.#flag.push(valid ? null : r.value);
    // The window slides with the clock.
    const cutoff = (r.ts - SPAN_MS[this.range as 'live' | '1h']) / 1000;
    let drop = 0;
    while (drop < this.#x.length && this.#x[drop]! < cutoff) drop += 1;
    if (drop > 0) for (const a of [this.#x, this.#mean, this.#min, this.#max, this.#flag]) a.splice(0, drop);
    this.#window = { from: cutoff * 1000, to: r.ts };
    if (this.loadState !== 'ready') this.loadState = 'ready';
    this.#draw();
  }

  #data(): uPlot.AlignedData {
    const limit = this.#history?.limit;
    const n = this.#x.length;
    const lim = (v: number | undefined): Array<number | null> => Array.from({ length: n }, () => v ?? null);
    return [this.#x, this.#mean, this.#min, this.#max, lim(limit?.max), lim(limit?.min), this.#flag];
  }

  #draw(): void {
    const box = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (!box) return;
    const data = this.#data();
    if (this.#plot) {
      this.#plot.setData(data);
      return;
    }
    const unit = this.#history?.unit ?? this.unit;
    const opts: uPlot.Options = {
      width: Math.max(300, box.clientWidth),
      height: 320,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Ho_Chi_Minh'),
      scales: { x: { time: true } },
      legend: { live: true },
      series: [
        { label: 'UTC+7', value: (_u, v) => (v == null ? '—' : formatDateTime(v * 1000)) },
        { label: `${this.parameter} ${t('mean')} (${unit})`, stroke: '#1d6d8f', width: 2, value: (_u, v) => (v == null ? '—' : formatValue(v)) },
        { label: 'min', stroke: 'rgba(29,109,143,0.35)', width: 1, value: (_u, v) => (v == null ? '—' : formatValue(v)) },
        { label: 'max', stroke: 'rgba(29,109,143,0.35)', width: 1, value: (_u, v) => (v == null ? '—' : formatValue(v)) },
        { label: `${t('limit')} (${unit})`, stroke: '#b3261e', width: 1.5, dash: [6, 4], points: { show: false }, show: this.#history?.limit?.max !== undefined },
        { label: `${t('limit')} min`, stroke: '#b3261e', width: 1.5, dash: [6, 4], points: { show: false }, show: this.#history?.limit?.min !== undefined },
        { label: t('flagged'), stroke: '#64748b', width: 0, paths: () => null, points: { show: true, size: 5, fill: '#64748b', stroke: '#64748b' } },
      ],
      bands: [{ series: [3, 2], fill: 'rgba(29,109,143,0.12)' }],
      // 24-hour clock in UTC+7 (tzDate above), the date when the range spans days.
      axes: [{ values: (_u, splits, _i, _space, incr) => splits.map((v) => axisLabel(v, incr)) }, { label: unit, size: 60 }],
    };
    this.#plot = new uPlot(opts, data, box);
    this.#resize = new ResizeObserver(() => {
      if (this.#plot && box.clientWidth > 0) this.#plot.setSize({ width: box.clientWidth, height: 320 });
    });
    this.#resize.observe(box);
  }

  protected override render(): TemplateResult {
    void this.#lang;
    const h = this.#history;
    const q = new URLSearchParams({ station: this.station, parameter: this.parameter, from: String(Math.round(this.#window.from)), to: String(Math.round(this.#window.to)) });
    return html`<div class="chart" data-testid="history-chart" data-state=${this.loadState} data-points=${h ? h.points.length + h.flagged.length : 0}>
      <div class="meta">
        ${this.loadState === 'loading' ? html`<span>${t('historyLoading')}</span>` : nothing}
        ${this.loadState === 'error' ? html`<span class="error" role="alert">${t('historyError', { error: this.error ?? '' })}</span>` : nothing}
        ${this.loadState === 'empty' ? html`<span>${t('historyEmpty')}</span>` : nothing}
        ${h ? html`<span title=${`${isoTitle(this.#window.from)} — ${isoTitle(this.#window.to)}`}>${formatDateTime(this.#window.from)} – ${formatDateTime(this.#window.to)} (UTC+7) · ${t('step', { step: human(h.stepMs) })}</span>` : nothing}
        <a class="csv" href=${`/api/history.csv?${q}`} download data-testid="csv-link">${t('downloadCsv')}</a>
      </div>
      <div class="plot"></div>
    </div>`;
  }

  static override styles = [unsafeCSS(uPlotCss), css`
    :host {
      display: block;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem 1rem;
      align-items: center;
      font-size: 0.8rem;
      color: #475569;
      margin-bottom: 0.3rem;
    }
    .csv {
      margin-left: auto;
      color: #1d6d8f;
    }
    .error {
      color: #b3261e;
    }
    .plot {
      width: 100%;
      min-height: 330px;
    }
  `];
}

customElements.define('qt-history-chart', QtHistoryChart);

declare global {
  interface HTMLElementTagNameMap {
    'qt-history-chart': QtHistoryChart;
  }
}
