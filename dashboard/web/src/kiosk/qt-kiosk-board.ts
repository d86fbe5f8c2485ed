import { html, type TemplateResult } from 'lit';
import { StationStates } from '../centre/station-states.js';
import { ClockController } from '../clock-controller.js';
import { QtElement, states } from '../elements.js';
import { formatClock } from '../format-clock.js';
import { t, type MessageKey } from '../i18n/index.js';
import { LiveController } from '../live-controller.js';
import '../overview/qt-station-map.js';
import '../overview/qt-station-table.js';
import { groupByZone, StationsController, type ZoneGroup } from '../stations-controller.js';
import { renderKioskAlerts } from './kiosk-alerts.js';
import { rotationSeconds } from './kiosk-session.js';
import { kioskStyles } from './kiosk-styles.js';

export const KIOSK_VIEWS = ['overview', 'map', 'alerts'] as const;
export type KioskView = (typeof KIOSK_VIEWS)[number];

/** A station counts as reporting when the centre received a reading from it this recently (as the centre's header). */
const REPORTING_WINDOW_MS = 5 * 60_000;

/** The view after (or before) this one, round the rotation. */
export const nextView = (view: KioskView, step = 1): KioskView =>
  KIOSK_VIEWS[(KIOSK_VIEWS.indexOf(view) + step + KIOSK_VIEWS.length) % KIOSK_VIEWS.length]!;

/**
 * The wall display's board: the centre's name, clock and connection state, then the overview
 * table, the map and the open alerts in turn, every `rotate=` seconds of the kiosk URL (20 by
 * default). The indicator names every view and marks the one shown. Someone at the wall can
 * hold a view: the rotation waits while the pointer is over the board, Space pauses and
 * resumes it, the arrow keys step through the views. The views are the centre's own elements,
 * fed from the same live stream; nothing on it acts.
 */
export class QtKioskBoard extends QtElement {
  static override properties = states('view', 'paused', 'hovered');
  declare view: KioskView;
  declare paused: boolean;
  declare hovered: boolean;

  readonly #live = new LiveController(this);
  readonly #stations = new StationsController(this);
  readonly #clock = new ClockController(this, 1_000);
  readonly #states = new StationStates();
  readonly #seconds = rotationSeconds();
  #timer: ReturnType<typeof setInterval> | undefined;
  #groups: { of: readonly unknown[]; groups: ZoneGroup[] } = { of: [], groups: [] };

  readonly #onKey = (e: KeyboardEvent): void => {
    if (e.key === ' ' || e.key === 'Spacebar') this.paused = !this.paused;
    else if (e.key === 'ArrowRight') this.#show(nextView(this.view));
    else if (e.key === 'ArrowLeft') this.#show(nextView(this.view, -1));
    else return;
    e.preventDefault();
  };

  constructor() {
    super();
    this.view = 'overview';
    this.paused = false;
    this.hovered = false;
    this.addEventListener('pointerenter', () => (this.hovered = true));
    this.addEventListener('pointerleave', () => (this.hovered = false));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.#onKey);
    this.#restartTimer();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.#onKey);
    clearInterval(this.#timer);
  }

  /** A view chosen by hand gets a full period before the rotation moves on. */
  #show(view: KioskView): void {
    this.view = view;
    this.#restartTimer();
  }

  #restartTimer(): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      if (!this.paused && !this.hovered) this.view = nextView(this.view);
    }, this.#seconds * 1000);
  }

  get #centreNow(): number {
    return this.#clock.now + this.#live.clockOffsetMs;
  }

  #zoneGroups(): ZoneGroup[] {
    const stations = this.#stations.stations;
    if (this.#groups.of !== stations) this.#groups = { of: stations, groups: groupByZone(stations) };
    return this.#groups.groups;
  }

  #renderView(): TemplateResult {
    const stations = this.#stations;
    if (stations.state !== 'ready') return html`<p class="notice" role="status">${t('loadingStations')}</p>`;
    const live = this.#live;
    switch (this.view) {
      case 'map':
        return html`<qt-station-map .stations=${stations.stations} .states=${this.#states.states}></qt-station-map>`;
      case 'alerts':
        return renderKioskAlerts(live.alerts.values(), stations.byId);
      default:
        return html`<qt-station-table
          .groups=${this.#zoneGroups()}
          .latest=${live.latest}
          .version=${live.version}
          .staleBefore=${this.#centreNow - REPORTING_WINDOW_MS}
          .states=${this.#states.states}
        ></qt-station-table>`;
    }
  }

  #renderIndicator(): TemplateResult {
    const holding = this.paused || this.hovered;
    return html`<div class="rotation">
      <ol class="views" aria-label=${t('kiosk_views')} data-testid="kiosk-indicator">
        ${KIOSK_VIEWS.map(
          (v) =>
            html`<li class=${v === this.view ? 'current' : ''} aria-current=${v === this.view ? 'step' : 'false'} data-view=${v}>
              ${t(`kiosk_view_${v}` as MessageKey)}
            </li>`,
        )}
      </ol>
      <span class="state" data-testid="kiosk-rotation" data-paused=${String(holding)} title=${t('kiosk_pause_hint')}>
        ${holding ? t('kiosk_paused') : t('kiosk_rotating', { seconds: this.#seconds })}
      </span>
    </div>`;
  }

  protected override render(): TemplateResult {
    const live = this.#live;
    live.focus([]);
    this.#states.update({
      version: live.version,
      tick: this.#clock.now,
      now: this.#centreNow,
      stations: this.#stations.stations,
      latest: live.latest,
      alerts: live.alerts,
      online: live.online,
    });
    return html`<header>
        <h1>${t('title')}</h1>
        ${this.#renderIndicator()}
        <time class="clock" data-testid="kiosk-clock" aria-label=${t('kiosk_clock')}>${formatClock(this.#centreNow)}</time>
        <p class="connection ${live.state}" data-testid="connection" data-state=${live.state === 'open' ? 'open' : 'closed'} role="status">
          <span class="dot" aria-hidden="true"></span>${t(live.state)}
        </p>
      </header>
      <main data-testid="kiosk" data-view=${this.view}>
        <h2 class="view-title">${t(`kiosk_view_${this.view}` as MessageKey)}</h2>
        ${this.#renderView()}
      </main>`;
  }

  static override styles = kioskStyles;
}

customElements.define('qt-kiosk-board', QtKioskBoard);

declare global {
  interface HTMLElementTagNameMap {
    'qt-kiosk-board': QtKioskBoard;
  }
}
