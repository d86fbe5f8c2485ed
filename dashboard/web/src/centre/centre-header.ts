import { html, nothing, type TemplateResult } from 'lit';
import type { StationSummary, StorageCondition } from '../../../../core/index.js';
import { lang, setLang, t, type MessageKey } from '../i18n/index.js';
import type { ConnectionState } from '../live/live-socket.js';
import type { StationLatest } from '../live/latest-store.js';
import { isNarrowScope, scopeText } from '../model/scope-label.js';
import type { SessionUser } from '../model/session.js';
import { href, type Route } from '../router.js';

/** What the header shows: the counts that matter at a glance, navigation, the connection, the user. */
export interface CentreHeader {
  stations: readonly StationSummary[];
  latest: ReadonlyMap<string, StationLatest>;
  online: ReadonlyMap<string, boolean>;
  /** Stations that reported after this (centre clock) count as online when presence is unknown. */
  staleBefore: number;
  alertCounts: { critical: number; warning: number };
  connection: ConnectionState;
  route: Route;
  user: SessionUser;
  /** On a phone, navigation and the user's controls fold into a menu; this says whether it is open. */
  menuOpen: boolean;
  onMenu(open: boolean): void;
  onLogout(): void;
}

function onlineCount(h: CentreHeader): number {
  let online = 0;
  for (const s of h.stations) {
    const presence = h.online.get(s.id);
    const reporting = (h.latest.get(s.id)?.lastReceivedAt ?? -Infinity) >= h.staleBefore;
    if (presence === true || (presence === undefined && reporting)) online += 1;
  }
  return online;
}

function renderNav(route: Route, user: SessionUser): TemplateResult {
  const nav = (name: string, target: string, label: MessageKey, active: boolean): TemplateResult =>
    html`<a href=${target} class=${active ? 'active' : ''} data-nav=${name} aria-current=${active ? 'page' : 'false'}>${t(label)}</a>`;
  return html`<nav>
    ${nav('overview', href.overview(), 'nav_overview', (route.name === 'overview' && route.view === 'table') || route.name === 'zone')}
    ${nav('map', href.overview('map'), 'nav_map', route.name === 'overview' && route.view === 'map')}
    ${nav('alerts', href.alerts(), 'nav_alerts', route.name === 'alerts')}
    ${nav('forwarding', href.forwarding(), 'nav_forwarding', route.name === 'forwarding')}
    ${user.role === 'admin' ? nav('users', href.users(), 'nav_users', route.name === 'users') : nothing}
    ${user.role === 'admin' ? nav('audit', href.audit(), 'nav_audit', route.name === 'audit') : nothing}
  </nav>`;
}

/** The header bar of the monitoring centre. */
export function renderCentreHeader(h: CentreHeader): TemplateResult {
  const { critical, warning } = h.alertCounts;
  return html`<header>
    <h1><a href="#/">${t('title')}</a></h1>
    <dl class="counts">
      <div>
        <dt>${t('stations')}</dt>
        <dd data-testid="station-count">${h.stations.length}</dd>
      </div>
      <div>
        <dt>${t('online')}</dt>
        <dd data-testid="online-count">${onlineCount(h)}</dd>
      </div>
      <div class="alerts">
        <dt>${t('openAlerts')}</dt>
        <dd>
          <a href=${href.alerts()} class="sev critical" data-testid="critical-count" title=${t('critical')}>${critical}</a>
          <a href=${href.alerts()} class="sev warning" data-testid="warning-count" title=${t('warning')}>${warning}</a>
        </dd>
      </div>
    </dl>
    <button
      type="button"
      class="menu-button"
      aria-expanded=${h.menuOpen ? 'true' : 'false'}
      aria-controls="centre-menu"
      data-testid="menu-button"
      @click=${() => h.onMenu(!h.menuOpen)}
    >
      <span aria-hidden="true">☰</span> ${t('menu')}
    </button>
    <p class="connection ${h.connection}" data-testid="connection" data-state=${h.connection === 'open' ? 'open' : 'closed'} role="status">
      <span class="dot" aria-hidden="true"></span>${t(h.connection)}
    </p>
    <div id="centre-menu" class="menu ${h.menuOpen ? 'open' : ''}">
      ${renderNav(h.route, h.user)}
      <div class="user">
        <span data-testid="user" data-role=${h.user.role}>${h.user.name} · ${t(`role_${h.user.role}` as MessageKey)}</span>
        ${isNarrowScope(h.user.scope) ? html`<span data-testid="user-scope" class="scope">${scopeText(h.user.scope)}</span>` : nothing}
        <button type="button" @click=${() => setLang(lang() === 'vi' ? 'en' : 'vi')} data-testid="lang">${t('language')}</button>
        <button type="button" @click=${() => h.onLogout()} data-testid="logout">${t('logout')}</button>
      </div>
    </div>
  </header>`;
}

/** The banner shown while storage is behind (the spool's backlog, docs/ARCHITECTURE.md). */
export function renderStorageBanner(s: StorageCondition | null): TemplateResult | typeof nothing {
  if (!s || (!s.backlog && s.backpressure === 'none')) return nothing;
  const text = t('storageBacklog', { mb: (s.spoolBytes / 1_048_576).toFixed(1), state: t(`bp_${s.backpressure}` as MessageKey) });
  return html`<p class="banner storage" role="alert" data-testid="storage-banner">${text}</p>`;
}
