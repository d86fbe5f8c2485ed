import { css, html, nothing, unsafeCSS, type PropertyValues, type TemplateResult } from 'lit';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import type { Reading } from '../../../../core/index.js';
import { api } from '../api.js';
import { inputs, QtElement, states } from '../elements.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { t } from '../i18n/index.js';
import { HistorySeries, SPAN_MS, type ChartRange, type History } from './history-series.js';
import { human, PLOT_HEIGHT, plotOptions } from './plot-options.js';

/** Ranges short enough to extend with every live reading; longer ones re-fetch their buckets. */
const APPENDS_LIVE: ReadonlySet<ChartRange> = new Set(['live', '1h']);
const REFETCH_MS = 60_000;

/**
 * One parameter's chart (uPlot on a canvas): history from InfluxDB downsampled by the
 * server (`GET /api/history`, GROUP BY time: mean line, min-max band, calibration and fault
 * values as grey dots), the limit as a dashed red line, and live readings appended as they
 * arrive. Times on the axis in UTC+7.
 */
export class QtHistoryChart extends QtElement {
  static override properties = {
    ...inputs('station', 'parameter', 'unit', 'range', 'from', 'to', 'live', 'intervalS'),
    ...states('loadState', 'error'),
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

  #plot: uPlot | undefined;
  #resize: ResizeObserver | undefined;
  #abort: AbortController | undefined;
  #refetch: ReturnType<typeof setInterval> | undefined;
  #history: History | undefined;
  readonly #series = new HistorySeries();
  #window: { from: number; to: number } = { from: 0, to: 0 };
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
    this.#dropPlot();
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

  /** A longer silence than three buckets and three reporting intervals is a gap. */
  #gapMs(stepMs: number): number {
    return Math.max(3 * stepMs, 3 * this.intervalS * 1000);
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
        this.#dropPlot();
        this.#plotKey = key;
      }
      this.#history = h;
      this.#series.set(h, this.#gapMs(h.stepMs));
      this.loadState = h.points.length + h.flagged.length === 0 && this.live === undefined ? 'empty' : 'ready';
      this.error = undefined;
      this.#draw();
    } catch (err) {
      if (abort.signal.aborted) return;
      this.loadState = 'error';
      this.error = (err as Error).message;
    }
  }

  #appendLive(): void {
    const r = this.live;
    if (!r || !APPENDS_LIVE.has(this.range) || !this.#history) return;
    const window = this.#series.append(r, this.#gapMs(this.#history.stepMs), SPAN_MS[this.range as 'live' | '1h']);
    if (window === undefined) return;
    this.#window = window;
    if (this.loadState !== 'ready') this.loadState = 'ready';
    this.#draw();
  }

  #dropPlot(): void {
    this.#resize?.disconnect();
    this.#plot?.destroy();
    this.#plot = undefined;
  }

  #draw(): void {
    const box = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (!box) return;
    const data = this.#series.data(this.#history?.limit);
    if (this.#plot) {
      this.#plot.setData(data);
      return;
    }
    const opts = plotOptions(this.parameter, this.#history?.unit ?? this.unit, this.#history?.limit, Math.max(300, box.clientWidth));
    this.#plot = new uPlot(opts, data, box);
    this.#resize = new ResizeObserver(() => {
      if (this.#plot && box.clientWidth > 0) this.#plot.setSize({ width: box.clientWidth, height: PLOT_HEIGHT });
    });
    this.#resize.observe(box);
  }

  #renderMeta(): TemplateResult {
    const h = this.#history;
    const w = this.#window;
    const q = new URLSearchParams({
      station: this.station,
      parameter: this.parameter,
      from: String(Math.round(w.from)),
      to: String(Math.round(w.to)),
    });
    const span = `${formatDateTime(w.from)} – ${formatDateTime(w.to)} (UTC+7) · ${h ? t('step', { step: human(h.stepMs) }) : ''}`;
    return html`<div class="meta">
      ${this.loadState === 'loading' ? html`<span>${t('historyLoading')}</span>` : nothing}
      ${this.loadState === 'error' ? html`<span class="error" role="alert">${t('historyError', { error: this.error ?? '' })}</span>` : nothing}
      ${this.loadState === 'empty' ? html`<span>${t('historyEmpty')}</span>` : nothing}
      ${h ? html`<span title=${`${isoTitle(w.from)} — ${isoTitle(w.to)}`}>${span}</span>` : nothing}
      <a class="csv" href=${`/api/history.csv?${q}`} download data-testid="csv-link">${t('downloadCsv')}</a>
    </div>`;
  }

  protected override render(): TemplateResult {
    const h = this.#history;
    return html`<div
      class="chart"
      data-testid="history-chart"
      data-state=${this.loadState}
      data-points=${h ? h.points.length + h.flagged.length : 0}
    >
      ${this.#renderMeta()}
      <div class="plot"></div>
    </div>`;
  }

  static override styles = [
    unsafeCSS(uPlotCss),
    css`
      :host {
        display: block;
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 1rem;
        align-items: center;
        font-size: 0.8rem;
        color: var(--qt-text-muted);
        margin-bottom: 0.3rem;
      }
      .csv {
        margin-left: auto;
        color: var(--qt-link);
      }
      .error {
        color: var(--qt-critical);
      }
      .plot {
        width: 100%;
        min-height: 330px;
      }
    `,
  ];
}

customElements.define('qt-history-chart', QtHistoryChart);

declare global {
  interface HTMLElementTagNameMap {
    'qt-history-chart': QtHistoryChart;
  }
}
