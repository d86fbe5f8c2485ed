import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Alert, StationSummary } from '../../../../core/index.js';
import '../alerts/qt-alert-list.js';
import type { ChartRange } from '../chart/history-series.js';
import { inputs, QtElement, states } from '../elements.js';
import { formatDateTime, isoTitle, localDate } from '../format-clock.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { StationLatest } from '../live/latest-store.js';
import { sortAlerts } from '../model/alerts.js';
import { formatFixed, formatNumber } from '../number-format.js';
import type { SessionUser } from '../model/session.js';
import { href } from '../router.js';
import type { StationState } from '../station-state.js';
import { AvailabilityController, renderAvailability } from './availability.js';
import { renderChartSection } from './chart-section.js';
import { renderParameterCard, type StationParameter } from './parameter-card.js';
import { stationPageStyles } from './styles.js';

/**
 * A station's page: each parameter's live value with unit, limit, percentage of the limit
 * and status code; a chart of live data and history (1 h, 24 h, 7 d, a chosen range) with
 * the limit drawn; today's data availability; the station's open alerts; links to its reports.
 */
export class QtStationPage extends QtElement {
  static override properties = {
    ...inputs('station', 'latest', 'alerts', 'online', 'state', 'user', 'centreNow', 'parameter', 'onAlertChanged'),
    ...states('range', 'custom'),
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
  readonly #availability = new AvailabilityController(this);

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
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('station')) this.#availability.setStation(this.station?.id);
  }

  get #charted(): StationParameter {
    return this.station.parameters.find((p) => p.parameter === this.parameter) ?? this.station.parameters[0]!;
  }

  #renderHeader(): TemplateResult {
    const s = this.station;
    const presence = this.online === undefined ? 'unknown' : this.online ? 'online' : 'offline';
    const today = localDate(this.centreNow);
    const last = this.latest
      ? html` · <span title=${isoTitle(this.latest.lastTs)}>${formatDateTime(this.latest.lastTs)} (UTC+7)</span>`
      : nothing;
    return html`<header class="st-${this.state}">
      <div>
        <h2>
          ${s.name}
          <span class="badge" data-testid="station-page-state" data-state=${this.state}>${t(`state_${this.state}` as MessageKey)}</span>
        </h2>
        <p class="id">${s.id} · ${t(`kind_${s.kind}` as MessageKey)} · ${t(`presence_${presence}` as MessageKey)} ${last}</p>
        <p class="meta">
          ${t('facility')}: ${s.facilityName} · ${t('zone')}: <a href=${href.zone(s.zoneId)}>${s.zoneName}</a> (${s.province}) ·
          ${t('coordinates')}: ${formatFixed(s.lat, 4)} N, ${formatFixed(s.lon, 4)}
          E${s.intervalS ? html` · ${t('interval')}: ${formatNumber(s.intervalS)} s` : nothing}
        </p>
      </div>
      <nav class="reports">
        <a href=${href.reportStation(s.id, 'day', today)} data-testid="report-day-link">${t('reportDay')}</a>
        <a href=${href.reportStation(s.id, 'month', today.slice(0, 7))} data-testid="report-month-link">${t('reportMonth')}</a>
      </nav>
    </header>`;
  }

  protected override render(): TemplateResult {
    const s = this.station;
    const charted = this.#charted;
    return html`<p class="crumbs"><a href=${href.overview()}>${t('back')}</a></p>
      ${this.#renderHeader()}
      <section class="cards">
        ${s.parameters.map((p) => renderParameterCard(s.id, p, this.latest?.readings.get(p.parameter), p.parameter === charted.parameter))}
      </section>
      ${renderChartSection({
        station: s.id,
        intervalS: s.intervalS ?? 60,
        parameter: charted,
        live: this.latest?.readings.get(charted.parameter),
        range: this.range,
        custom: this.custom,
        onRange: (r) => (this.range = r),
        onCustom: (span) => (this.custom = span),
      })}
      <div class="lower">
        ${renderAvailability(s, this.#availability.value, localDate(this.centreNow))}
        <section class="alerts">
          <h3>${t('alertsOfStation')}</h3>
          <qt-alert-list
            .alerts=${sortAlerts(this.alerts)}
            .stations=${new Map([[s.id, s]])}
            .user=${this.user}
            .onAlertChanged=${this.onAlertChanged}
          ></qt-alert-list>
        </section>
      </div>`;
  }

  static override styles = stationPageStyles;
}

customElements.define('qt-station-page', QtStationPage);

declare global {
  interface HTMLElementTagNameMap {
    'qt-station-page': QtStationPage;
  }
}
