import { html, nothing, type TemplateResult } from 'lit';
import type { Incident } from '../../../../core/index.js';
import { api } from '../api.js';
import '../chart/qt-history-chart.js';
import '../overview/qt-station-map.js';
import type { StationState } from '../station-state.js';
import { inputs, QtElement, states } from '../elements.js';
import { formatDateTime } from '../format-clock.js';
import { t } from '../i18n/index.js';
import type { SessionUser } from '../model/session.js';
import { PollController } from '../poll-controller.js';
import { href } from '../router.js';
import { renderIncidentActions, type IncidentAction } from './incident-actions.js';
import { renderFacts, renderMembers, renderProjection, renderTimeline } from './incident-sections.js';
import { incidentActionStyles, incidentStyles } from './incident-styles.js';
import { CHART_LEAD_MS, chartEnd, fetchIncident, memberSeries, titleOf, type Stations } from './incident-view.js';

const POLL_MS = 10_000;
const ACTING = new Set(['operator', 'admin']);

/**
 * One incident (`GET /api/incidents/{id}`, polled): title, facts, forecast, members, timeline,
 * the members' series stacked on one time axis (start - 30 min to now or the closing), and for
 * operators the actions.
 */
export class QtIncidentPage extends QtElement {
  static override properties = {
    ...inputs('incidentId', 'stations', 'user', 'centreNow'),
    ...states('incident', 'error', 'missing', 'busy', 'actionError', 'loadedAt'),
  };
  declare incidentId: string;
  declare stations: Stations;
  declare user: SessionUser;
  declare centreNow: number;
  declare incident: Incident | undefined;
  declare error: string | undefined;
  declare missing: boolean;
  declare busy: boolean;
  declare actionError: string | undefined;
  /** The centre time of the last load: the charts' window ends there (not at every tick, which would reload them). */
  declare loadedAt: number;

  constructor() {
    super();
    this.incidentId = '';
    this.stations = new Map();
    this.centreNow = Date.now();
    this.incident = undefined;
    this.error = undefined;
    this.missing = false;
    this.busy = false;
    this.actionError = undefined;
    this.loadedAt = 0;
    new PollController(this, () => this.#load(), POLL_MS);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('incidentId') && changed.get('incidentId') !== undefined) {
      this.incident = undefined;
      void this.#load();
    }
  }

  async #load(): Promise<void> {
    if (this.incidentId === '') return;
    try {
      this.incident = await fetchIncident(this.incidentId);
      this.loadedAt = this.centreNow;
      this.missing = false;
      this.error = undefined;
    } catch (err) {
      const status = (err as { status?: number }).status;
      this.missing = status === 404;
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  async #act(a: IncidentAction): Promise<void> {
    const i = this.incident;
    if (!i || this.busy) return;
    this.busy = true;
    this.actionError = undefined;
    try {
      const body = await api<{ incident: Incident }>(`/api/incidents/${encodeURIComponent(i.id)}/${a.action}`, {
        method: 'POST',
        body: a.action === 'close' ? { cause: a.cause, ...(a.note !== undefined ? { note: a.note } : {}) } : {},
      });
      this.incident = body.incident;
    } catch (err) {
      this.actionError = err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  /** The member stations on the map, each in its worst member's severity (normal once all its members resolved). */
  #map(i: Incident): TemplateResult {
    const states = new Map<string, StationState>();
    for (const m of i.members) {
      const now: StationState = m.resolvedAt !== undefined ? 'normal' : m.severity;
      if (states.get(m.station) !== 'critical') states.set(m.station, now === 'normal' ? (states.get(m.station) ?? 'normal') : now);
    }
    const members = [...states.keys()].flatMap((id) => this.stations.get(id) ?? []);
    return html`<section class="member-map" aria-label=${t('inc_members')}>
      <qt-station-map .stations=${members} .states=${states} .zone=${i.zone}></qt-station-map>
    </section>`;
  }

  #charts(i: Incident): TemplateResult {
    const from = i.startedAt - CHART_LEAD_MS;
    const to = chartEnd(i, this.loadedAt);
    return html`<section aria-labelledby="inc-charts-title">
      <h3 id="inc-charts-title">${t('inc_charts')}</h3>
      <p class="notice">${t('inc_chartsRange', { to: formatDateTime(to) })}</p>
      <div class="charts">
        ${memberSeries(i).map(({ station, parameter }) => {
          const s = this.stations.get(station);
          const unit = s?.parameters.find((p) => p.parameter === parameter)?.unit ?? '';
          return html`<figure data-chart=${`${station}|${parameter}`} style="margin:0">
            <h4>${station} · ${parameter}${unit ? ` (${unit})` : ''}</h4>
            <qt-history-chart
              .station=${station}
              .parameter=${parameter}
              .unit=${unit}
              .range=${'custom'}
              .from=${from}
              .to=${to}
              .intervalS=${s?.intervalS ?? 60}
            ></qt-history-chart>
          </figure>`;
        })}
      </div>
    </section>`;
  }

  protected override render(): TemplateResult {
    const i = this.incident;
    const back = html`<p class="head-links"><a href=${href.incidents()}>${t('inc_back')}</a></p>`;
    if (!i) {
      if (this.missing)
        return html`${back}
          <p class="notice" role="alert">${t('inc_notFound')}</p>`;
      if (this.error !== undefined)
        return html`${back}
          <p class="error" role="alert">${t('inc_loadError', { error: this.error })}</p>`;
      return html`${back}
        <p class="notice">…</p>`;
    }
    return html`<article data-incident=${i.id} data-state=${i.state}>
      <p class="head-links">
        <a href=${href.incidents()}>${t('inc_back')}</a>
        <a href=${href.incidentReport(i.id)} data-testid="inc-report-link">${t('inc_report')}</a>
      </p>
      <h2 data-testid="inc-title">${titleOf(i, this.stations)}</h2>
      ${renderFacts(i, this.stations)} ${renderProjection(i, this.stations)}
      ${ACTING.has(this.user.role) ? renderIncidentActions(i, this.busy, (a) => void this.#act(a)) : nothing}
      ${this.actionError !== undefined ? html`<p class="error" role="alert">${t('inc_actionError', { error: this.actionError })}</p>` : nothing}
      <h3>${t('inc_members')}</h3>
      ${renderMembers(i, this.stations, true)} ${this.#map(i)}
      <h3>${t('inc_timeline')}</h3>
      ${renderTimeline(i, this.stations)} ${this.#charts(i)}
    </article>`;
  }

  static override styles = [...incidentStyles, ...incidentActionStyles];
}

customElements.define('qt-incident-page', QtIncidentPage);

declare global {
  interface HTMLElementTagNameMap {
    'qt-incident-page': QtIncidentPage;
  }
}
