import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Alert, Reading, StationSummary } from '../../../core/index.js';
import { api } from './api.js';
import { formatClock, formatDateTime, fromLocalInput, isoTitle, localDate, toLocalInput } from './format-clock.js';
import { formatValue } from './format-value.js';
import { LangController, lang, t, type MessageKey } from './i18n.js';
import { limitLevel } from './limit-level.js';
import type { StationLatest } from './live-controller.js';
import type { SessionUser } from './qt-app.js';
import './qt-alert-list.js';
import { sortAlerts } from './qt-alert-list.js';
import './qt-history-chart.js';
import type { ChartRange } from './qt-history-chart.js';
import { href } from './router.js';
import type { StationState } from './station-state.js';
import { stateBadgeStyles } from './state-styles.js';

type StationParameter = StationSummary['parameters'][number];

interface Availability {
  date: string;
  parameters: Array<{ parameter: string; received: number; valid: number; expected: number; percent: number | null }>;
}

const RANGES: ChartRange[] = ['live', '1h', '24h', '7d', 'custom'];
const AVAILABILITY_REFRESH_MS = 60_000;

/** The limit as written in the permit: "≤ 150", "5.5 – 9". */
function limitText(p: StationParameter): string {
  if (p.max === undefined) return t('noLimit');
  return p.min !== undefined ? `${formatValue(p.min)} – ${formatValue(p.max)}` : `≤ ${formatValue(p.max)}`;
}

/**
 * A station's page: each parameter's live value with unit, limit, percentage of the limit
 * and status code; a chart of live data and history (1 h, 24 h, 7 d, a chosen range) with
 * the limit drawn; today's data availability; the station's open alerts; links to its reports.
 */
export class QtStationPage extends LitElement {
  static override properties = {
    station: { attribute: false },
    latest: { attribute: false },
    alerts: { attribute: false },
    online: { attribute: false },
    state: { attribute: false },
    user: { attribute: false },
    centreNow: { attribute: false },
    parameter: { attribute: false },
    onAlertChanged: { attribute: false },
    range: { state: true },
    custom: { state: true },
    availability: { state: true },
  };
  declare station: StationSummary;
  declare latest: StationLatest | undefined;
  declare alerts: readonly Alert[];
  declare online: boolean | undefined;
  declare state: StationState;
  declare user: SessionUser;
  declare centreNow: number;
  /** The charted parameter (from the URL); the first one when unset. */
  declare parameter: string | undefined;
  declare onAlertChanged: (a: Alert) => void;
  declare range: ChartRange;
  declare custom: { from: number; to: number };
  declare availability: Availability | undefined;
  readonly #lang = new LangController(this);
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.alerts = [];
    this.online = undefined;
    this.state = 'interrupted';
    this.centreNow = Date.now();
    this.parameter = undefined;
    this.onAlertChanged = () => undefined;
    this.range = '1h';
    const now = Date.now();
    this.custom = { from: now - 86_400_000, to: now };
    this.availability = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => void this.#loadAvailability(), AVAILABILITY_REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('station')) {
      this.availability = undefined;
      void this.#loadAvailability();
    }
  }

  async #loadAvailability(): Promise<void> {
    const id = this.station?.id;
    if (!id) return;
    try {
      const a = await api<Availability>(`/api/stations/${encodeURIComponent(id)}/availability`);
      if (this.station.id === id) this.availability = a;
    } catch {
      // shown as unknown; retried on the next refresh
    }
  }

  get #charted(): StationParameter {
    return this.station.parameters.find((p) => p.parameter === this.parameter) ?? this.station.parameters[0]!;
  }

  #card(p: StationParameter): TemplateResult {
    const r: Reading | undefined = this.latest?.readings.get(p.parameter);
    const status = r?.status;
    const valid = r !== undefined && status === '00' && r.unit === p.unit;
    const level = valid ? limitLevel(r.value, p) : 'normal';
    const percent = valid && p.max !== undefined && p.max > 0 ? (100 * r.value) / p.max : undefined;
    const selected = this.#charted.parameter === p.parameter;
    const name = lang() === 'en' ? p.name : p.nameVi;
    return html`<a class="card ${level} ${selected ? 'selected' : ''} s${status ?? ''}" href=${href.station(this.station.id, p.parameter)}
      data-testid="param-card" data-station=${this.station.id} data-parameter=${p.parameter} data-ts=${r?.ts ?? nothing} data-level=${level}>
      <div class="sym">${p.parameter} <small>${name ?? ''}</small></div>
      <div class="value" title=${r ? isoTitle(r.ts) : ''}>${r ? formatValue(r.value) : '—'} <span class="unit">${p.unit}</span></div>
      <dl>
        <div><dt>${t('limit')}</dt><dd title=${p.regulation ?? ''}>${limitText(p)} ${p.max !== undefined ? html`<span class="unit">${p.unit}</span>` : nothing}</dd></div>
        <div><dt>${t('ofLimit')}</dt><dd data-testid="percent">${percent !== undefined ? `${percent.toFixed(0)} %` : '—'}</dd></div>
        <div><dt>${t('status')}</dt><dd>${status ? html`${status} · ${t(`status_${status}` as MessageKey)}` : '—'}</dd></div>
        <div><dt>${t('measuredAt')}</dt><dd title=${r ? isoTitle(r.ts) : ''}>${r ? formatClock(r.ts) : '—'}</dd></div>
      </dl>
    </a>`;
  }

  #renderAvailability(): TemplateResult {
    const a = this.availability;
    return html`<section class="availability" data-testid="availability">
      <h3>${t('availability')} <small>${a?.date ?? localDate(this.centreNow)}</small></h3>
      <div class="bars">${this.station.parameters.map((p) => {
        const row = a?.parameters.find((x) => x.parameter === p.parameter);
        const pct = row?.percent ?? null;
        return html`<div class="bar" title=${row ? t('received', { n: row.valid, expected: row.expected }) : ''}>
          <span class="label">${p.parameter}</span>
          <span class="track"><span class="fill ${pct !== null && pct < 80 ? 'low' : ''}" style=${`width:${pct ?? 0}%`}></span></span>
          <span class="pct" data-parameter=${p.parameter}>${pct === null ? '—' : `${pct.toFixed(1)} %`}</span>
        </div>`;
      })}</div>
      <p class="note">${t('availabilityNote')}</p>
    </section>`;
  }

  #renderChart(): TemplateResult {
    const p = this.#charted;
    return html`<section class="chart">
      <div class="chart-head">
        <h3>${t('chart')}: ${p.parameter} <small>(${p.unit})</small></h3>
        <div class="ranges" role="group">${RANGES.map((r) => html`<button type="button" class=${this.range === r ? 'on' : ''} data-range=${r}
          @click=${() => (this.range = r)}>${t(`range_${r}` as MessageKey)}</button>`)}</div>
        ${this.range === 'custom' ? html`<form class="custom" @submit=${(e: SubmitEvent) => {
          e.preventDefault();
          const data = new FormData(e.target as HTMLFormElement);
          const from = fromLocalInput(String(data.get('from')));
          const to = fromLocalInput(String(data.get('to')));
          if (from !== undefined && to !== undefined && from < to) this.custom = { from, to };
        }}>
          <label>${t('from')} <input type="datetime-local" name="from" .value=${toLocalInput(this.custom.from)} /></label>
          <label>${t('to')} <input type="datetime-local" name="to" .value=${toLocalInput(this.custom.to)} /></label>
          <button type="submit">${t('apply')}</button> <small>UTC+7</small>
        </form>` : nothing}
      </div>
      <qt-history-chart .station=${this.station.id} .parameter=${p.parameter} .unit=${p.unit} .range=${this.range}
        .from=${this.range === 'custom' ? this.custom.from : undefined} .to=${this.range === 'custom' ? this.custom.to : undefined}
        .live=${this.latest?.readings.get(p.parameter)} .intervalS=${this.station.intervalS ?? 60}></qt-history-chart>
    </section>`;
  }

  protected override render(): TemplateResult {
    void this.#lang;
    const s = this.station;
    const presence = this.online === undefined ? 'unknown' : this.online ? 'online' : 'offline';
    const today = localDate(this.centreNow);
    return html`<p class="crumbs"><a href=${href.overview()}>${t('back')}</a></p>
      <header class="st-${this.state}">
        <div>
          <h2>${s.name} <span class="badge" data-testid="station-page-state" data-state=${this.state}>${t(`state_${this.state}` as MessageKey)}</span></h2>
          <p class="id">${s.id} · ${t(`kind_${s.kind}` as MessageKey)} · ${t(`presence_${presence}` as MessageKey)}
            ${this.latest ? html` · <span title=${isoTitle(this.latest.lastTs)}>${formatDateTime(this.latest.lastTs)} (UTC+7)</span>` : nothing}</p>
          <p class="meta">${t('facility')}: ${s.facilityName} · ${t('zone')}: <a href=${href.zone(s.zoneId)}>${s.zoneName}</a> (${s.province})
            · ${t('coordinates')}: ${s.lat.toFixed(4)} N, ${s.lon.toFixed(4)} E${s.intervalS ? html` · ${t('interval')}: ${s.intervalS} s` : nothing}</p>
        </div>
        <nav class="reports">
          <a href=${href.reportStation(s.id, 'day', today)} data-testid="report-day-link">${t('reportDay')}</a>
          <a href=${href.reportStation(s.id, 'month', today.slice(0, 7))} data-testid="report-month-link">${t('reportMonth')}</a>
        </nav>
      </header>
      <section class="cards">${s.parameters.map((p) => this.#card(p))}</section>
      ${this.#renderChart()}
      <div class="lower">
        ${this.#renderAvailability()}
        <section class="alerts">
          <h3>${t('alertsOfStation')}</h3>
          <qt-alert-list .alerts=${sortAlerts(this.alerts)} .stations=${new Map([[s.id, s]])} .user=${this.user} .onAlertChanged=${this.onAlertChanged}></qt-alert-list>
        </section>
      </div>`;
  }

  static override styles = [stateBadgeStyles, css`
    :host {
      display: block;
      font-size: 0.9rem;
    }
    a {
      color: #1d6d8f;
    }
    .crumbs {
      margin: 0 0 0.4rem;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      gap: 0.5rem 2rem;
      margin-bottom: 0.75rem;
    }
    h2 {
      margin: 0;
      font-size: 1.3rem;
      color: #0f3d5e;
    }
    .badge {
      font-size: 0.8rem;
      padding: 0.1rem 0.55rem;
      border-radius: 0.75rem;
      vertical-align: middle;
    }
    .id {
      margin: 0.2rem 0;
      font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
      font-size: 0.85rem;
      color: #475569;
    }
    .meta {
      margin: 0;
      color: #475569;
      font-size: 0.85rem;
    }
    .reports {
      display: flex;
      gap: 0.4rem;
      align-items: start;
    }
    .reports a {
      padding: 0.35rem 0.7rem;
      border: 1px solid #1d6d8f;
      border-radius: 0.35rem;
      text-decoration: none;
      background: #fff;
    }
    .cards {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(12.5rem, 1fr));
      gap: 0.6rem;
      margin-bottom: 1rem;
    }
    .card {
      display: block;
      padding: 0.6rem 0.75rem;
      border-radius: 0.5rem;
      background: #fff;
      border: 1px solid #e2e8f0;
      color: inherit;
      text-decoration: none;
    }
    .card.selected {
      border-color: #0f3d5e;
      box-shadow: 0 0 0 2px #0f3d5e33;
    }
    .card.near {
      background: #fff4d6;
    }
    .card.breach {
      background: #fde2e1;
    }
    .card.breach .value {
      color: #b3261e;
    }
    .card.s01 .value,
    .card.s02 .value {
      color: #64748b;
    }
    .sym {
      font-weight: 600;
      color: #334155;
    }
    .sym small {
      font-weight: 400;
      color: #64748b;
    }
    .value {
      font-size: 1.5rem;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
      margin: 0.15rem 0 0.3rem;
    }
    .unit {
      font-size: 0.8rem;
      font-weight: 400;
      color: #64748b;
    }
    dl {
      margin: 0;
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0.2rem 0.6rem;
      font-size: 0.78rem;
    }
    dt {
      color: #64748b;
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    section.chart {
      background: #fff;
      border: 1px solid #e2e8f0;
      border-radius: 0.5rem;
      padding: 0.75rem;
      margin-bottom: 1rem;
    }
    .chart-head {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      margin-bottom: 0.4rem;
    }
    h3 {
      margin: 0 0 0.4rem;
      font-size: 1rem;
      color: #0f3d5e;
    }
    h3 small {
      font-weight: 400;
      color: #64748b;
    }
    .ranges button,
    .custom button {
      font: inherit;
      font-size: 0.8rem;
      padding: 0.25rem 0.6rem;
      border: 1px solid #cbd5e1;
      background: #fff;
      border-radius: 0.35rem;
      cursor: pointer;
    }
    .ranges button.on {
      background: #0f3d5e;
      color: #fff;
      border-color: #0f3d5e;
    }
    .custom {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      font-size: 0.8rem;
    }
    .custom input {
      font: inherit;
    }
    .lower {
      display: grid;
      grid-template-columns: minmax(16rem, 1fr) 2fr;
      gap: 1rem;
    }
    @media (max-width: 60rem) {
      .lower {
        grid-template-columns: 1fr;
      }
    }
    .availability,
    .alerts {
      background: #fff;
      border: 1px solid #e2e8f0;
      border-radius: 0.5rem;
      padding: 0.75rem;
    }
    .bars {
      display: grid;
      gap: 0.3rem;
    }
    .bar {
      display: grid;
      grid-template-columns: 3.5rem 1fr 4rem;
      gap: 0.5rem;
      align-items: center;
      font-size: 0.8rem;
    }
    .track {
      height: 0.55rem;
      background: #e2e8f0;
      border-radius: 0.3rem;
      overflow: hidden;
    }
    .fill {
      display: block;
      height: 100%;
      background: #15803d;
    }
    .fill.low {
      background: #f59e0b;
    }
    .pct {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .note {
      font-size: 0.75rem;
      color: #64748b;
    }
  `];
}

customElements.define('qt-station-page', QtStationPage);

declare global {
  interface HTMLElementTagNameMap {
    'qt-station-page': QtStationPage;
  }
}
