import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { Alert } from '../../../core/index.js';
import { notifyAlert, readNotifySettings, writeNotifySettings, type NotifySettings } from './alert-notifier.js';
import { api } from './api.js';
import { centreStyles } from './centre-styles.js';
import { ClockController } from './clock-controller.js';
import { LangController, lang, setLang, t, type MessageKey } from './i18n.js';
import { LiveController } from './live-controller.js';
import type { SessionUser } from './qt-app.js';
import './qt-alerts-panel.js';
import './qt-overview.js';
import './qt-station-page.js';
import './qt-users.js';
import { loadReports } from './reports-loader.js';
import { href, RouterController, type Route } from './router.js';
import { stationState, type StationState } from './station-state.js';
import { StationsController } from './stations-controller.js';

/** A station counts as reporting when the centre received a reading from it this recently. */
const REPORTING_WINDOW_MS = 5 * 60_000;

/**
 * The monitoring centre once logged in: a header with the counts that matter at a glance
 * (stations online, open alerts by severity), the connection and storage state, navigation;
 * then the view the URL names (overview, map, station, alerts, reports, users).
 */
export class QtCentre extends LitElement {
  static override properties = { user: { attribute: false }, reportsReady: { state: true }, notify: { state: true } };
  declare user: SessionUser;
  declare reportsReady: boolean | undefined;
  declare notify: NotifySettings;

  readonly #live = new LiveController(this);
  readonly #stations = new StationsController(this);
  readonly #clock = new ClockController(this);
  readonly #router = new RouterController(this);
  readonly #lang = new LangController(this);
  #states: ReadonlyMap<string, StationState> = new Map();
  #alertsByStation: ReadonlyMap<string, Alert[]> = new Map();
  #statesKey = '';
  #unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this.reportsReady = undefined;
    this.notify = readNotifySettings();
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

  /** States of every station, recomputed when data, alerts, presence or the clock moved. */
  #computeStates(): void {
    const live = this.#live;
    const key = `${live.version}|${this.#clock.now}|${this.#stations.stations.length}`;
    if (key === this.#statesKey) return;
    this.#statesKey = key;
    const byStation = new Map<string, Alert[]>();
    for (const a of live.alerts.values()) {
      let list = byStation.get(a.station);
      if (!list) byStation.set(a.station, (list = []));
      list.push(a);
    }
    this.#alertsByStation = byStation;
    const now = this.centreNow;
    const states = new Map<string, StationState>();
    for (const s of this.#stations.stations) {
      states.set(s.id, stationState({ station: s, latest: live.latest.get(s.id), alerts: byStation.get(s.id) ?? [], online: live.online.get(s.id), now }));
    }
    // Same content, same Map: rows and map markers keep their guards.
    const prev = this.#states;
    let same = prev.size === states.size;
    if (same) for (const [id, st] of states) if (prev.get(id) !== st) { same = false; break; }
    if (!same) this.#states = states;
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

  #renderHeader(): TemplateResult {
    const live = this.#live;
    const staleBefore = this.centreNow - REPORTING_WINDOW_MS;
    let online = 0;
    for (const s of this.#stations.stations) {
      const presence = live.online.get(s.id);
      const reporting = (live.latest.get(s.id)?.lastReceivedAt ?? -Infinity) >= staleBefore;
      if (presence === true || (presence === undefined && reporting)) online += 1;
    }
    let critical = 0;
    let warning = 0;
    for (const a of live.alerts.values()) {
      if (a.severity === 'critical') critical += 1;
      else warning += 1;
    }
    const route = this.#router.route;
    const nav = (name: string, target: string, label: MessageKey, active: boolean): TemplateResult =>
      html`<a href=${target} class=${active ? 'active' : ''} data-nav=${name} aria-current=${active ? 'page' : 'false'}>${t(label)}</a>`;
    return html`<header>
      <h1><a href="#/">${t('title')}</a></h1>
      <dl class="counts">
        <div><dt>${t('stations')}</dt><dd data-testid="station-count">${this.#stations.stations.length}</dd></div>
        <div><dt>${t('online')}</dt><dd data-testid="online-count">${online}</dd></div>
        <div class="alerts"><dt>${t('openAlerts')}</dt><dd>
          <a href=${href.alerts()} class="sev critical" data-testid="critical-count" title=${t('critical')}>${critical}</a>
          <a href=${href.alerts()} class="sev warning" data-testid="warning-count" title=${t('warning')}>${warning}</a>
        </dd></div>
      </dl>
      <nav>
        ${nav('overview', href.overview(), 'nav_overview', (route.name === 'overview' && route.view === 'table') || route.name === 'zone')}
        ${nav('map', href.overview('map'), 'nav_map', route.name === 'overview' && route.view === 'map')}
        ${nav('alerts', href.alerts(), 'nav_alerts', route.name === 'alerts')}
        ${this.user.role === 'admin' ? nav('users', href.users(), 'nav_users', route.name === 'users') : nothing}
      </nav>
      <p class="connection ${live.state}" data-testid="connection" data-state=${live.state === 'open' ? 'open' : 'closed'} role="status"
        ><span class="dot" aria-hidden="true"></span>${t(live.state)}</p>
      <div class="user">
        <span data-testid="user" data-role=${this.user.role}>${this.user.name} · ${t(`role_${this.user.role}` as MessageKey)}</span>
        <button type="button" @click=${() => setLang(lang() === 'vi' ? 'en' : 'vi')} data-testid="lang">${t('language')}</button>
        <button type="button" @click=${() => void this.#logout()} data-testid="logout">${t('logout')}</button>
      </div>
    </header>
    ${this.#renderStorage()}`;
  }

  #renderStorage(): TemplateResult | typeof nothing {
    const s = this.#live.storage;
    if (!s || (!s.backlog && s.backpressure === 'none')) return nothing;
    return html`<p class="banner storage" role="alert" data-testid="storage-banner">${t('storageBacklog', { mb: (s.spoolBytes / 1_048_576).toFixed(1), state: t(`bp_${s.backpressure}` as MessageKey) })}</p>`;
  }

  #renderBody(route: Route): TemplateResult {
    const stations = this.#stations;
    if (stations.state === 'loading') return html`<p class="notice">${t('loadingStations')}</p>`;
    if (stations.state === 'error') return html`<p class="notice error" role="alert">${t('stationsError', { error: stations.error ?? '' })}</p>`;
    const live = this.#live;
    switch (route.name) {
      case 'overview':
      case 'zone':
        return html`<qt-overview
          .stations=${stations.stations}
          .latest=${live.latest}
          .version=${live.version}
          .states=${this.#states}
          .alertsByStation=${this.#alertsByStation}
          .staleBefore=${this.centreNow - REPORTING_WINDOW_MS}
          .zone=${route.name === 'zone' ? route.zone : undefined}
          .view=${route.view}
        ></qt-overview>`;
      case 'station': {
        const station = stations.byId.get(route.station);
        if (!station) return html`<p class="notice">${t('notFound')}</p>`;
        return html`<qt-station-page
          .station=${station}
          .latest=${live.latest.get(station.id)}
          .alerts=${this.#alertsByStation.get(station.id) ?? []}
          .online=${live.online.get(station.id)}
          .state=${this.#states.get(station.id) ?? 'interrupted'}
          .user=${this.user}
          .centreNow=${this.centreNow}
          .parameter=${route.parameter}
          .onAlertChanged=${(a: Alert) => live.updateAlert(a)}
        ></qt-station-page>`;
      }
      case 'alerts':
        return html`<qt-alerts-panel
          .alerts=${live.alerts}
          .stations=${stations.byId}
          .user=${this.user}
          .tab=${route.tab}
          .notify=${this.notify}
          .onNotifyChange=${(n: Partial<NotifySettings>) => this.#setNotify(n)}
          .onAlertChanged=${(a: Alert) => live.updateAlert(a)}
        ></qt-alerts-panel>`;
      case 'report-station':
      case 'report-zone':
        return this.#renderReport(route);
      case 'users':
        return this.user.role === 'admin' ? html`<qt-users .self=${this.user.name}></qt-users>` : html`<p class="notice">${t('forbidden')}</p>`;
      default:
        return html`<p class="notice">${t('notFound')}</p>`;
    }
  }

  #renderReport(route: Extract<Route, { name: 'report-station' | 'report-zone' }>): TemplateResult {
    if (this.reportsReady === undefined) {
      void loadReports().then((ok) => (this.reportsReady = ok));
      return html`<p class="notice">…</p>`;
    }
    if (!this.reportsReady) return html`<p class="notice">${t('reportsMissing')}</p>`;
    const back = route.name === 'report-station' ? href.station(route.station) : href.zone(route.zone);
    const date = route.date ?? '';
    return html`<p class="crumbs"><a href=${back}>${t('back')}</a></p>${
      route.name === 'report-station'
        ? html`<qt-report-station station=${route.station} period=${route.period} date=${date} locale=${lang()}></qt-report-station>`
        : html`<qt-report-zone zone=${route.zone} date=${date} locale=${lang()}></qt-report-zone>`
    }`;
  }

  protected override render(): TemplateResult {
    void this.#lang;
    const route = this.#router.route;
    // A station page takes its station's readings as they come; every other view, the shared stream.
    this.#live.focus(route.name === 'station' ? [route.station] : []);
    this.#computeStates();
    return html`${this.#renderHeader()}<main>${this.#renderBody(route)}</main>`;
  }

  static override styles = centreStyles;
}

customElements.define('qt-centre', QtCentre);

declare global {
  interface HTMLElementTagNameMap {
    'qt-centre': QtCentre;
  }
}
