import { html, nothing, type TemplateResult } from 'lit';
import type { Alert } from '../../../core/index.js';
import { notifyAlert, readNotifySettings, writeNotifySettings, type NotifySettings } from './alert-notifier.js';
import './alerts/qt-alerts-panel.js';
import './audit/qt-audit.js';
import { api } from './api.js';
import { renderCentreHeader, renderStorageBanner } from './centre/centre-header.js';
import { centreStyles } from './centre/centre-styles.js';
import './centre/qt-forwarding.js';
import { StationStates } from './centre/station-states.js';
import { ClockController } from './clock-controller.js';
import { inputs, QtElement, states } from './elements.js';
import { t } from './i18n/index.js';
import './incidents/qt-incident-page.js';
import './incidents/qt-incident-report.js';
import './incidents/qt-incidents-list.js';
import { LiveController } from './live-controller.js';
import { isLost } from './live/connection.js';
import './live/qt-link-banner.js';
import { countAlerts } from './model/alerts.js';
import type { SessionUser } from './model/session.js';
import './overview/qt-overview.js';
import './qt-users.js';
import { loadReports } from './reports-loader.js';
import { href, RouterController, type Route } from './router.js';
import { pageKey, ScrollResetController } from './scroll-reset.js';
import './station-page/qt-station-page.js';
import { StationsController } from './stations-controller.js';

/** A station counts as reporting when the centre received a reading from it this recently. */
const REPORTING_WINDOW_MS = 5 * 60_000;

/**
 * The monitoring centre once logged in: a header with the counts that matter at a glance
 * (stations online, open alerts by severity), the connection and storage state, navigation;
 * then the view the URL names (overview, map, station, alerts, reports, users).
 */
export class QtCentre extends QtElement {
  static override properties = { ...inputs('user'), ...states('reportsReady', 'notify', 'menuOpen') };
  declare user: SessionUser;
  declare reportsReady: boolean | undefined;
  declare notify: NotifySettings;
  declare menuOpen: boolean;

  readonly #live = new LiveController(this);
  readonly #stations = new StationsController(this);
  readonly #clock = new ClockController(this);
  readonly #router = new RouterController(this);
  readonly #states = new StationStates();
  #unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this.reportsReady = undefined;
    this.notify = readNotifySettings();
    this.menuOpen = false;
    // Another page opens at its top, with the phone menu closed.
    new ScrollResetController(
      this,
      () => pageKey(this.#router.route),
      () => (this.menuOpen = false),
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribe = this.#live.onAlertEvent((e) => notifyAlert(e, this.notify));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
  }

  get centreNow(): number {
    return this.#clock.now + this.#live.clockOffsetMs;
  }

  async #logout(): Promise<void> {
    await api('/api/logout', { method: 'POST', body: {} }).catch(() => undefined);
    this.dispatchEvent(new CustomEvent('logged-out', { bubbles: true, composed: true }));
  }

  #setNotify(change: Partial<NotifySettings>): void {
    this.notify = { ...this.notify, ...change };
    writeNotifySettings(this.notify);
    if (change.desktop && 'Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
  }

  #renderBody(route: Route): TemplateResult {
    const stations = this.#stations;
    if (stations.state === 'loading') return html`<p class="notice">${t('loadingStations')}</p>`;
    if (stations.state === 'error')
      return html`<p class="notice error" role="alert">${t('stationsError', { error: stations.error ?? '' })}</p>`;
    switch (route.name) {
      case 'overview':
      case 'zone':
        return this.#renderOverview(route);
      case 'station':
        return this.#renderStation(route);
      case 'alerts':
        return html`<qt-alerts-panel
          .alerts=${this.#live.alerts}
          .stations=${stations.byId}
          .user=${this.user}
          .tab=${route.tab}
          .view=${route.view}
          .now=${this.centreNow}
          .notify=${this.notify}
          .onNotifyChange=${(n: Partial<NotifySettings>) => this.#setNotify(n)}
          .onAlertChanged=${(a: Alert) => this.#live.updateAlert(a)}
        ></qt-alerts-panel>`;
      case 'report-station':
      case 'report-zone':
        return this.#renderReport(route);
      case 'incidents':
        return html`<qt-incidents-list .stations=${stations.byId} .zone=${route.zone}></qt-incidents-list>`;
      case 'incident':
        return html`<qt-incident-page
          .incidentId=${route.id}
          .stations=${stations.byId}
          .user=${this.user}
          .centreNow=${this.centreNow}
        ></qt-incident-page>`;
      case 'incident-report':
        return html`<qt-incident-report
          .incidentId=${route.id}
          .stations=${stations.byId}
          .centreNow=${this.centreNow}
        ></qt-incident-report>`;
      case 'forwarding':
        return html`<qt-forwarding></qt-forwarding>`;
      case 'users':
        return this.user.role === 'admin'
          ? html`<qt-users .self=${this.user.name}></qt-users>`
          : html`<p class="notice">${t('forbidden')}</p>`;
      case 'audit':
        return this.user.role === 'admin' ? html`<qt-audit></qt-audit>` : html`<p class="notice">${t('forbidden')}</p>`;
      default:
        return html`<p class="notice">${t('notFound')}</p>`;
    }
  }

  #renderOverview(route: Extract<Route, { name: 'overview' | 'zone' }>): TemplateResult {
    return html`<qt-overview
      .stations=${this.#stations.stations}
      .latest=${this.#live.latest}
      .version=${this.#live.version}
      .states=${this.#states.states}
      .alertsByStation=${this.#states.alertsByStation}
      .staleBefore=${this.centreNow - REPORTING_WINDOW_MS}
      .zone=${route.name === 'zone' ? route.zone : undefined}
      .view=${route.view}
    ></qt-overview>`;
  }

  #renderStation(route: Extract<Route, { name: 'station' }>): TemplateResult {
    const live = this.#live;
    const station = this.#stations.byId.get(route.station);
    if (!station) return html`<p class="notice">${t('notFound')}</p>`;
    return html`<qt-station-page
      .station=${station}
      .latest=${live.latest.get(station.id)}
      .alerts=${this.#states.alertsByStation.get(station.id) ?? []}
      .online=${live.online.get(station.id)}
      .state=${this.#states.states.get(station.id) ?? 'interrupted'}
      .user=${this.user}
      .centreNow=${this.centreNow}
      .parameter=${route.parameter}
      .onAlertChanged=${(a: Alert) => live.updateAlert(a)}
    ></qt-station-page>`;
  }

  /** The report pages come as their own chunk, loaded on first use; they follow the page's language. */
  #renderReport(route: Extract<Route, { name: 'report-station' | 'report-zone' }>): TemplateResult {
    if (this.reportsReady === undefined) {
      void loadReports().then((ok) => (this.reportsReady = ok));
      return html`<p class="notice">…</p>`;
    }
    if (!this.reportsReady) return html`<p class="notice">${t('reportsMissing')}</p>`;
    const back = route.name === 'report-station' ? href.station(route.station) : href.zone(route.zone);
    const date = route.date ?? '';
    return html`<p class="crumbs"><a href=${back}>${t('back')}</a></p>
      ${
        route.name === 'report-station'
          ? html`<qt-report-station station=${route.station} period=${route.period} date=${date}></qt-report-station>`
          : html`<qt-report-zone zone=${route.zone} date=${date}></qt-report-zone>`
      }`;
  }

  protected override render(): TemplateResult {
    const route = this.#router.route;
    const live = this.#live;
    // A station page takes its station's readings as they come; every other view, the shared stream.
    live.focus(route.name === 'station' ? [route.station] : []);
    const stations = this.#stations.stations;
    this.#states.update({
      version: live.version,
      tick: this.#clock.now,
      now: this.centreNow,
      stations,
      latest: live.latest,
      alerts: live.alerts,
      online: live.online,
    });
    // While the stream is down or silent everything below shows as not live (centre-styles.ts, main[data-not-live]).
    const link = live.link();
    const lost = isLost(link);
    // On the host too, for whatever is styled from outside (a kiosk rotation, tests).
    this.toggleAttribute('data-not-live', lost);
    const header = renderCentreHeader({
      stations,
      latest: live.latest,
      online: live.online,
      staleBefore: this.centreNow - REPORTING_WINDOW_MS,
      alertCounts: countAlerts(live.alerts.values()),
      connection: live.state,
      link,
      clockOffsetMs: live.clockOffsetMs,
      route,
      user: this.user,
      menuOpen: this.menuOpen,
      onMenu: (open) => (this.menuOpen = open),
      onLogout: () => void this.#logout(),
    });
    return html`${header} ${lost ? html`<qt-link-banner .link=${link} .clockOffsetMs=${live.clockOffsetMs}></qt-link-banner>` : nothing}
      ${renderStorageBanner(live.storage)}
      <main ?data-not-live=${lost} data-link=${link.kind}>${this.#renderBody(route)}</main>`;
  }

  static override styles = centreStyles;
}

customElements.define('qt-centre', QtCentre);

declare global {
  interface HTMLElementTagNameMap {
    'qt-centre': QtCentre;
  }
}
