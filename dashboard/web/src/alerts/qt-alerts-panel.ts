import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Alert, AlertEvent, Silence, StationSummary } from '../../../../core/index.js';
import type { NotifySettings } from '../alert-notifier.js';
import { api, ApiError } from '../api.js';
import { inputs, QtElement, states } from '../elements.js';
import { t, type MessageKey } from '../i18n/index.js';
import { actionError, silenceRequest } from '../model/alerts.js';
import type { SessionUser } from '../model/session.js';
import { href } from '../router.js';
import { filterAlerts, sortAlertsBy, type AlertView } from './alert-filter.js';
import { renderAlertFiltersBar } from './alert-filters-bar.js';
import { renderAlertHistory } from './alert-history.js';
import { panelStyles } from './panel-styles.js';
import './qt-alert-list.js';
import './qt-relayed-alerts.js';
import { renderSilencesView } from './silences-view.js';

type Tab = 'open' | 'history' | 'silences';

/**
 * The alerts panel: open alerts (live, from the socket), filtered and sorted by the view in the
 * URL, with their duration, acknowledge (one or many) and silence;
 * the history of alert events and the silences (REST); the optional sound and desktop
 * notification for new critical alerts.
 */
export class QtAlertsPanel extends QtElement {
  static override properties = {
    ...inputs('alerts', 'stations', 'user', 'tab', 'view', 'now', 'notify', 'onNotifyChange', 'onAlertChanged'),
    ...states('events', 'silences', 'error'),
  };
  declare alerts: ReadonlyMap<string, Alert>;
  declare stations: ReadonlyMap<string, StationSummary>;
  declare user: SessionUser;
  declare tab: Tab;
  declare view: AlertView | undefined;
  /** The centre's clock, epoch ms (durations). */
  declare now: number;
  declare notify: NotifySettings;
  declare onNotifyChange: (n: Partial<NotifySettings>) => void;
  declare onAlertChanged: (a: Alert) => void;
  declare events: AlertEvent[] | undefined;
  declare silences: Silence[] | undefined;
  declare error: string | undefined;
  #sorted: Alert[] = [];

  constructor() {
    super();
    this.alerts = new Map();
    this.stations = new Map();
    this.tab = 'open';
    this.view = {};
    this.now = Date.now();
    this.notify = { sound: false, desktop: false };
    this.onNotifyChange = () => undefined;
    this.onAlertChanged = () => undefined;
    this.events = undefined;
    this.silences = undefined;
    this.error = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('alerts') || changed.has('view') || changed.has('stations'))
      this.#sorted = sortAlertsBy(filterAlerts(this.alerts.values(), this.view ?? {}, this.stations), this.view?.sort, this.stations);
    if (changed.has('tab')) {
      this.error = undefined;
      if (this.tab === 'history') void this.#loadHistory();
      if (this.tab === 'silences') void this.#loadSilences();
    }
  }

  #fail(err: unknown): void {
    this.error = err instanceof ApiError && err.status === 503 ? t('alertsUnavailable') : actionError(err);
  }

  async #loadHistory(): Promise<void> {
    try {
      this.events = (await api<{ events: AlertEvent[] }>('/api/alerts/history?limit=500')).events.sort((a, b) => b.at - a.at);
    } catch (err) {
      this.#fail(err);
    }
  }

  async #loadSilences(): Promise<void> {
    try {
      this.silences = (await api<{ silences: Silence[] }>('/api/silences')).silences;
    } catch (err) {
      this.#fail(err);
    }
  }

  async #addSilence(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const text = (name: string): string => String(data.get(name) ?? '').trim();
    try {
      await api('/api/silences', {
        body: silenceRequest(String(data.get('station') ?? ''), text('parameter'), Number(data.get('minutes') ?? 60), text('reason')),
      });
      form.reset();
      this.error = undefined;
      await this.#loadSilences();
    } catch (err) {
      this.#fail(err);
    }
  }

  #renderHead(): TemplateResult {
    const tab = (name: Tab, label: MessageKey): TemplateResult =>
      html`<a href=${href.alerts(name)} class=${this.tab === name ? 'on' : ''} data-tab=${name}
        >${t(label)}${name === 'open' ? ` (${this.alerts.size})` : ''}</a
      >`;
    const toggle = (key: keyof NotifySettings, label: MessageKey): TemplateResult =>
      html`<label class="toggle"
        ><input
          type="checkbox"
          .checked=${this.notify[key]}
          data-testid=${`notify-${key}`}
          @change=${(e: Event) => this.onNotifyChange({ [key]: (e.target as HTMLInputElement).checked })}
        />
        ${t(label)}</label
      >`;
    return html`<div class="head">
      <nav>${tab('open', 'tab_open')}${tab('history', 'tab_history')}${tab('silences', 'tab_silences')}</nav>
      ${toggle('sound', 'sound')} ${toggle('desktop', 'desktop')}
    </div>`;
  }

  #renderTab(): TemplateResult {
    if (this.tab === 'history') return renderAlertHistory(this.events);
    if (this.tab === 'silences')
      return renderSilencesView(this.silences, this.stations.values(), this.user.role !== 'viewer', (form) => void this.#addSilence(form));
    const filters = renderAlertFiltersBar({
      stations: this.stations.values(),
      view: this.view ?? {},
      shown: this.#sorted.length,
      total: this.alerts.size,
      onChange: (view) => (location.hash = href.alerts('open', view)),
    });
    return html`${filters}<qt-alert-list
        .alerts=${this.#sorted}
        .now=${this.now}
        .emptyText=${this.alerts.size > 0 ? t('af_noneMatch') : undefined}
        .stations=${this.stations}
        .user=${this.user}
        .onAlertChanged=${this.onAlertChanged}
      ></qt-alert-list>
      <qt-relayed-alerts></qt-relayed-alerts>`;
  }

  protected override render(): TemplateResult {
    return html`${this.#renderHead()} ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing} ${this.#renderTab()}`;
  }

  static override styles = panelStyles;
}

customElements.define('qt-alerts-panel', QtAlertsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'qt-alerts-panel': QtAlertsPanel;
  }
}
