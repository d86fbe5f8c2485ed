import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import uPlot from 'uplot';
import type { Reading } from '../../../../core/index.js';
import { api } from '../api.js';
import { inputs, QtElement, states } from '../elements.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { lang, t } from '../i18n/index.js';
import { chartStyles } from './chart-styles.js';
import { gapAfterMs, HistorySeries, plotData, SPAN_MS, type ChartRange, type History, type Window } from './history-series.js';
import { human, PLOT_HEIGHT, plotOptions } from './plot-options.js';
import { xRange, type TickRecord } from './time-axis.js';

const REFETCH_MS = 60_000;

/** How often a window ending now moves with the clock: about a bucket, between 1 s and 1 min. */
const tickMs = (stepMs: number): number => Math.min(60_000, Math.max(1000, stepMs));

/**
 * One parameter's chart (uPlot on a canvas): history from InfluxDB downsampled by the server
 * (`GET /api/history`, GROUP BY time: mean line, min-max band, calibration and fault values as
 * grey dots), the limit as a dashed red line, live readings added into the same buckets. The x
 * axis is the chosen window, ending now and moving with the clock; silences are gaps; a drag
 * zooms, the reset button (or a double-click) goes back. Times on the axis in UTC+7.
 */
export class QtHistoryChart extends QtElement {
  static override properties = {
    ...inputs('station', 'parameter', 'unit', 'range', 'from', 'to', 'live', 'intervalS'),
    ...states('loadState', 'error', 'zoomed'),
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
  declare zoomed: boolean;

  #plot: uPlot | undefined;
  #resize: ResizeObserver | undefined;
  #abort: AbortController | undefined;
  #refetch: ReturnType<typeof setInterval> | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;
  #history: History | undefined;
  readonly #series = new HistorySeries();
  readonly #ticks: TickRecord = { x: [], y: [] };
  #window: Window = { from: 0, to: 0 };
  /** The series and language the uPlot instance was built for: another needs new labels and limits. */
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
    this.zoomed = false;
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
    clearInterval(this.#clock);
    this.#abort?.abort();
    this.#dropPlot();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('station') || changed.has('parameter') || changed.has('range') || changed.has('from') || changed.has('to')) {
      void this.#load();
    } else if (changed.has('live')) {
      this.#addLive();
    } else if (this.#plot && !this.#plotKey.endsWith(`|${lang()}`)) {
      this.#dropPlot();
      this.#draw();
    }
  }

  /** The chosen window: a custom range, or the range's span ending now. */
  #span(): Window {
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
    if (this.#history === undefined) this.loadState = 'loading';
    const q = new URLSearchParams({ station: this.station, parameter: this.parameter, from: String(from), to: String(to), points: '900' });
    try {
      const h = await api<History>(`/api/history?${q}`, { signal: abort.signal });
      if (abort.signal.aborted) return;
      if (`${this.station}|${this.parameter}|${h.limit?.max}|${h.limit?.min}|${lang()}` !== this.#plotKey) this.#dropPlot();
      this.#history = h;
      this.#window = { from, to };
      this.#series.set(h, to);
      this.loadState = h.points.length + h.flagged.length === 0 && this.live === undefined ? 'empty' : 'ready';
      this.error = undefined;
      this.#startClock(h.stepMs);
      this.requestUpdate(); // the window and step in the meta line
      this.#draw();
    } catch (err) {
      if (abort.signal.aborted) return;
      this.loadState = 'error';
      this.error = (err as Error).message;
    }
  }

  /** A window ending now slides with the clock, even when no reading comes. */
  #startClock(stepMs: number): void {
    clearInterval(this.#clock);
    if (this.range === 'custom') return;
    this.#clock = setInterval(() => {
      this.#window = this.#span();
      this.#series.trim(this.#window.from);
      this.requestUpdate();
      this.#draw();
    }, tickMs(stepMs));
  }

  #addLive(): void {
    const r = this.live;
    if (!r || this.range === 'custom' || !this.#history || !this.#series.add(r)) return;
    this.#window = this.#span();
    this.#series.trim(this.#window.from);
    if (this.loadState !== 'ready') this.loadState = 'ready';
    this.#draw();
  }

  #dropPlot(): void {
    this.#resize?.disconnect();
    this.#plot?.destroy();
    this.#plot = undefined;
    this.#plotKey = '';
  }

  #draw(): void {
    const box = this.renderRoot.querySelector<HTMLElement>('.plot');
    const h = this.#history;
    if (!box || !h) return;
    const cols = this.#series.columns(this.#window, gapAfterMs(h.stepMs, this.intervalS * 1000));
    const data = plotData(cols, h.limit);
    box.parentElement?.setAttribute('data-gaps', String(cols.gaps));
    if (this.#plot) {
      if (!this.zoomed) return this.#plot.setData(data);
      // Keep the user's zoom while the data moves on.
      const [min, max] = xRange(this.#plot);
      this.#plot.setData(data, false);
      return this.#plot.setScale('x', { min, max });
    }
    const opts = plotOptions({
      parameter: this.parameter,
      unit: h.unit || this.unit,
      limit: h.limit,
      width: Math.max(300, box.clientWidth),
      ticks: this.#ticks,
      onDraw: (u) => this.#drawn(u),
    });
    this.#plotKey = `${this.station}|${this.parameter}|${h.limit?.max}|${h.limit?.min}|${lang()}`;
    this.#plot = new uPlot(opts, data, box);
    this.#resize = new ResizeObserver(() => {
      if (this.#plot && box.clientWidth > 0) this.#plot.setSize({ width: box.clientWidth, height: PLOT_HEIGHT });
    });
    this.#resize.observe(box);
  }

  /** After each draw: zoomed or not, and the shown range and ticks as attributes (the canvas has no text). */
  #drawn(u: uPlot): void {
    const [min, max] = xRange(u).map((s) => s * 1000) as [number, number];
    const tolerance = 1000;
    this.zoomed = min > this.#window.from + tolerance || max < this.#window.to - tolerance;
    const chart = this.renderRoot.querySelector<HTMLElement>('.chart');
    chart?.setAttribute('data-x-min', String(Math.round(min)));
    chart?.setAttribute('data-x-max', String(Math.round(max)));
    chart?.setAttribute('data-x-ticks', this.#ticks.x.join('|'));
    chart?.setAttribute('data-y-ticks', this.#ticks.y.join('|'));
  }

  #resetZoom(): void {
    this.#plot?.setScale('x', { min: this.#window.from / 1000, max: this.#window.to / 1000 });
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
      ${h ? html`<span>${this.zoomed ? t('chart_gaps') : `${t('chart_zoomHint')} ${t('chart_gaps')}`}</span>` : nothing}
      ${
        this.zoomed
          ? html`<button
              type="button"
              class="reset"
              data-testid="reset-zoom"
              title=${t('chart_resetZoomTitle')}
              @click=${() => this.#resetZoom()}
            >
              ${t('chart_resetZoom')}
            </button>`
          : nothing
      }
      <a class="csv" href=${`/api/history.csv?${q}`} download data-testid="csv-link">${t('downloadCsv')}</a>
    </div>`;
  }

  protected override render(): TemplateResult {
    const h = this.#history;
    return html`<div
      class="chart"
      data-testid="history-chart"
      data-state=${this.loadState}
      data-zoomed=${String(this.zoomed)}
      data-points=${h ? h.points.length + h.flagged.length : 0}
    >
      ${this.#renderMeta()}
      <div class="plot"></div>
    </div>`;
  }

  static override styles = chartStyles;
}

customElements.define('qt-history-chart', QtHistoryChart);

declare global {
  interface HTMLElementTagNameMap {
    'qt-history-chart': QtHistoryChart;
  }
}
