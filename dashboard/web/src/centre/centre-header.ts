import { html, nothing, type TemplateResult } from 'lit';
import type { StationSummary, StorageCondition } from '../../../../core/index.js';
import { formatCount } from '../alerts/alert-duration.js';
import { lang, setLang, t, type MessageKey } from '../i18n/index.js';
import { formatClock } from '../format-clock.js';
import { isLost, type Link } from '../live/connection.js';
import type { ConnectionState } from '../live/live-socket.js';
import type { StationLatest } from '../live/latest-store.js';
import { isNarrowScope, scopeText } from '../model/scope-label.js';
import type { AlertCounts } from '../model/alerts.js';
import type { SessionUser } from '../model/session.js';
import { formatFixed } from '../number-format.js';
import { href, type Route } from '../router.js';

/** What the header shows: the counts that matter at a glance, navigation, the connection, the user. */
export interface CentreHeader {
  stations: readonly StationSummary[];
  latest: ReadonlyMap<string, StationLatest>;
  online: ReadonlyMap<string, boolean>;
  /** Stations that reported after this (centre clock) count as online when presence is unknown. */
  staleBefore: number;
  alertCounts: AlertCounts;
  connection: ConnectionState;
  /** Whether the data is live (live/connection.ts); absent: as if live. */
  link?: Link;
  /** Centre clock minus the browser's, for the "as of" time. */
  clockOffsetMs?: number;
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
    ${nav('incidents', href.incidents(), 'nav_incidents', route.name === 'incidents' || route.name === 'incident' || route.name === 'incident-report')}
    ${nav('alerts', href.alerts(), 'nav_alerts', route.name === 'alerts')}
    ${nav('forwarding', href.forwarding(), 'nav_forwarding', route.name === 'forwarding')}
    ${user.role === 'admin' ? nav('users', href.users(), 'nav_users', route.name === 'users') : nothing}
    ${user.role === 'admin' ? nav('audit', href.audit(), 'nav_audit', route.name === 'audit') : nothing}
  </nav>`;
}

/**
 * The alert counts, each a link to the alerts panel filtered to what it counts: firing
 * (unacknowledged) by severity, then acknowledged, then pending apart and smaller.
 */
function renderAlertCounts(c: AlertCounts): TemplateResult {
  const link = (testid: string, cls: string, label: MessageKey, n: number, view: Parameters<typeof href.alerts>[1]): TemplateResult =>
    html`<a
      href=${href.alerts('open', view)}
      class=${cls}
      data-testid=${testid}
      data-count=${n}
      title=${t(label)}
      aria-label=${`${t(label)}: ${formatCount(n)}`}
      >${formatCount(n)}</a
    >`;
  return html`<div class="alerts">
      <dt>${t('count_unacked')}</dt>
      <dd>
        ${link('critical-count', 'sev critical', 'count_unackedCritical', c.critical, { severity: 'critical', state: 'firing' })}
        ${link('warning-count', 'sev warning', 'count_unackedWarning', c.warning, { severity: 'warning', state: 'firing' })}
      </dd>
    </div>
    <div class="alerts">
      <dt>${t('count_acked')}</dt>
      <dd>${link('acked-count', 'acked', 'count_acked', c.acknowledged, { state: 'acknowledged' })}</dd>
    </div>
    <div class="alerts pending">
      <dt>${t('count_pending')}</dt>
      <dd>${link('pending-count', 'pending', 'count_pending', c.pending, { state: 'pending' })}</dd>
    </div>`;
}

/** The header bar of the monitoring centre. */
export function renderCentreHeader(h: CentreHeader): TemplateResult {
  // Counts of a lost stream are those of its last frame: greyed and said to be "as of" then.
  const lost = h.link !== undefined && isLost(h.link) && h.link.since !== undefined;
  const asOf = lost ? formatClock(h.link!.since! + (h.clockOffsetMs ?? 0)) : '';
  return html`<header>
    <h1><a href="#/">${t('title')}</a></h1>
    <dl class="counts ${lost ? 'not-live' : ''}" ?data-not-live=${lost} title=${lost ? t('link_asOfTitle', { at: asOf }) : nothing}>
      <div>
        <dt>${t('stations')}</dt>
        <dd data-testid="station-count">${h.stations.length}</dd>
      </div>
      <div>
        <dt>${t('online')}</dt>
        <dd data-testid="online-count">${onlineCount(h)}</dd>
      </div>
      ${renderAlertCounts(h.alertCounts)}
      ${
        lost
          ? html`<div class="as-of" data-testid="as-of">
              <dt class="visually-hidden">${t('link_asOfTitle', { at: asOf })}</dt>
              <dd>${t('link_asOf', { at: asOf })}</dd>
            </div>`
          : nothing
      }
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
    <p
      class="connection ${h.link?.kind === 'stale' ? 'stale' : h.connection}"
      data-testid="connection"
      data-state=${h.connection === 'open' ? 'open' : 'closed'}
      role="status"
    >
      <span class="dot" aria-hidden="true"></span>${h.link?.kind === 'stale' ? t('link_stalePill') : t(h.connection)}
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
  const text = t('storageBacklog', { mb: formatFixed(s.spoolBytes / 1_048_576, 1), state: t(`bp_${s.backpressure}` as MessageKey) });
  return html`<p class="banner storage" role="alert" data-testid="storage-banner">${text}</p>`;
}
