import { severityStyles } from './severity-styles.js';
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Alert, AlertEvent, Silence, StationSummary } from '../../../core/index.js';
import type { NotifySettings } from './alert-notifier.js';
import { api, ApiError } from './api.js';
import { formatDateTime, isoTitle } from './format-clock.js';
import { formatValue } from './format-value.js';
import { LangController, t, type MessageKey } from './i18n.js';
import type { SessionUser } from './qt-app.js';
import './qt-alert-list.js';
import { sortAlerts } from './qt-alert-list.js';
import { href } from './router.js';

/**
 * The alerts panel: open alerts (live, from the socket) with acknowledge and silence;
 * the history of alert events and the silences (REST); the optional sound and desktop
 * notification for new critical alerts.
 */
export class QtAlertsPanel extends LitElement {
  static override properties = {
    alerts: { attribute: false },
    stations: { attribute: false },
    user: { attribute: false },
    tab: { attribute: false },
    notify: { attribute: false },
    onNotifyChange: { attribute: false },
    onAlertChanged: { attribute: false },
    events: { state: true },
    silences: { state: true },
    error: { state: true },
  };
  declare alerts: ReadonlyMap<string, Alert>;
  declare stations: ReadonlyMap<string, StationSummary>;
  declare user: SessionUser;
  declare tab: 'open' | 'history' | 'silences';
  declare notify: NotifySettings;
  declare onNotifyChange: (n: Partial<NotifySettings>) => void;
  declare onAlertChanged: (a: Alert) => void;
  declare events: AlertEvent[] | undefined;
  declare silences: Silence[] | undefined;
  declare error: string | undefined;
  readonly #lang = new LangController(this);
  #sorted: Alert[] = [];

  constructor() {
    super();
    this.alerts = new Map();
    this.stations = new Map();
    this.tab = 'open';
    this.notify = { sound: false, desktop: false };
    this.onNotifyChange = () => undefined;
    this.onAlertChanged = () => undefined;
    this.events = undefined;
    this.silences = undefined;
    this.error = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('alerts')) this.#sorted = sortAlerts(this.alerts.values());
    if (changed.has('tab')) {
      this.error = undefined;
      if (this.tab === 'history') void this.#loadHistory();
      if (this.tab === 'silences') void this.#loadSilences();
    }
  }

  #fail(err: unknown): void {
    this.error = err instanceof ApiError && err.status === 503 ? t('alertsUnavailable') : err instanceof ApiError && err.status === 403 ? t('forbidden') : t('actionFailed', { error: (err as Error).message });
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
    const parameter = String(data.get('parameter') ?? '').trim();
    const reason = String(data.get('reason') ?? '').trim();
    try {
      await api('/api/silences', { body: { station: String(data.get('station') ?? ''), ...(parameter ? { parameter } : {}), durationMin: Number(data.get('minutes') ?? 60) || 60, ...(reason ? { reason } : {}) } });
      form.reset();
      this.error = undefined;
      await this.#loadSilences();
    } catch (err) {
      this.#fail(err);
    }
  }

  #renderHistory(): TemplateResult {
    if (this.events === undefined) return html`<p class="muted">…</p>`;
    if (this.events.length === 0) return html`<p class="muted">${t('noHistory')}</p>`;
    return html`<table data-testid="alert-history">
      <thead><tr><th>${t('at')} <small>(UTC+7)</small></th><th>${t('event')}</th><th>${t('severity')}</th><th>${t('col_station')}</th><th>${t('parameter')}</th><th>${t('message')}</th><th>${t('valueVsLimit')}</th><th>${t('by')}</th></tr></thead>
      <tbody>${this.events.map((e) => html`<tr>
        <td title=${isoTitle(e.at)}>${formatDateTime(e.at)}</td>
        <td>${t(`event_${e.type}` as MessageKey)}</td>
        <td><span class="sev ${e.alert.severity}">${t(e.alert.severity)}</span></td>
        <td><a href=${href.station(e.alert.station)}>${e.alert.station}</a></td>
        <td>${e.alert.parameter === '*' ? '—' : e.alert.parameter} <small>${t(`rule_${e.alert.rule}` as MessageKey)}</small></td>
        <td>${e.alert.message}${e.alert.note ? html` <small>“${e.alert.note}”</small>` : nothing}</td>
        <td>${e.alert.value !== undefined ? formatValue(e.alert.value) : '—'}${e.alert.limit !== undefined ? ` / ${formatValue(e.alert.limit)}` : ''} ${e.alert.unit ?? ''}</td>
        <td>${e.alert.acknowledgedBy ?? ''}</td>
      </tr>`)}</tbody>
    </table>`;
  }

  #renderSilences(): TemplateResult {
    const canAct = this.user.role !== 'viewer';
    const stations = [...this.stations.values()];
    return html`<form class="silence" @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      void this.#addSilence(e.target as HTMLFormElement);
    }}>
      <label>${t('silenceStation')}<input name="station" list="station-ids" required ?disabled=${!canAct} /></label>
      <datalist id="station-ids">${stations.map((s) => html`<option value=${s.id}>${s.name}</option>`)}</datalist>
      <label>${t('silenceParameter')}<input name="parameter" ?disabled=${!canAct} /></label>
      <label>${t('silenceDuration')}<input name="minutes" type="number" min="1" max="43200" value="60" ?disabled=${!canAct} /></label>
      <label>${t('silenceReason')}<input name="reason" maxlength="500" ?disabled=${!canAct} /></label>
      <button type="submit" ?disabled=${!canAct} title=${canAct ? '' : t('needOperator')}>${t('silenceAdd')}</button>
    </form>
    ${this.silences === undefined ? html`<p class="muted">…</p>` : this.silences.length === 0 ? html`<p class="muted">${t('noSilences')}</p>` : html`<table data-testid="silences">
      <thead><tr><th>${t('col_station')}</th><th>${t('parameter')}</th><th>${t('from')}</th><th>${t('to')}</th><th>${t('by')}</th><th>${t('silenceReason')}</th></tr></thead>
      <tbody>${this.silences.map((s) => html`<tr>
        <td><a href=${href.station(s.station)}>${s.station}</a></td><td>${s.parameter ?? '*'}</td>
        <td title=${isoTitle(s.from)}>${formatDateTime(s.from)}</td><td title=${isoTitle(s.until)}>${formatDateTime(s.until)}</td>
        <td>${s.by}</td><td>${s.reason ?? ''}</td></tr>`)}</tbody>
    </table>`}`;
  }

  protected override render(): TemplateResult {
    void this.#lang;
    const tab = (name: 'open' | 'history' | 'silences', label: MessageKey): TemplateResult =>
      html`<a href=${href.alerts(name)} class=${this.tab === name ? 'on' : ''} data-tab=${name}>${t(label)}${name === 'open' ? ` (${this.alerts.size})` : ''}</a>`;
    return html`<div class="head">
        <nav>${tab('open', 'tab_open')}${tab('history', 'tab_history')}${tab('silences', 'tab_silences')}</nav>
        <label class="toggle"><input type="checkbox" .checked=${this.notify.sound} data-testid="notify-sound"
          @change=${(e: Event) => this.onNotifyChange({ sound: (e.target as HTMLInputElement).checked })} /> ${t('sound')}</label>
        <label class="toggle"><input type="checkbox" .checked=${this.notify.desktop} data-testid="notify-desktop"
          @change=${(e: Event) => this.onNotifyChange({ desktop: (e.target as HTMLInputElement).checked })} /> ${t('desktop')}</label>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.tab === 'open'
        ? html`<qt-alert-list .alerts=${this.#sorted} .stations=${this.stations} .user=${this.user} .onAlertChanged=${this.onAlertChanged}></qt-alert-list>`
        : this.tab === 'history' ? this.#renderHistory() : this.#renderSilences()}`;
  }

  static override styles = [severityStyles, css`
    :host {
      display: block;
      font-size: 0.85rem;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1.25rem;
      margin-bottom: 0.75rem;
    }
    nav {
      display: flex;
      gap: 0.25rem;
    }
    nav a {
      padding: 0.35rem 0.8rem;
      border-radius: 0.4rem;
      border: 1px solid #cbd5e1;
      color: #0f3d5e;
      background: #fff;
      text-decoration: none;
    }
    nav a.on {
      background: #0f3d5e;
      color: #fff;
    }
    .toggle {
      color: #334155;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      background: #fff;
    }
    th {
      text-align: left;
      background: #e8edf2;
      padding: 0.45rem;
    }
    td {
      padding: 0.35rem 0.45rem;
      border-bottom: 1px solid #e2e8f0;
    }
    small {
      color: #64748b;
    }
    .sev {
      padding: 0.05rem 0.45rem;
      border-radius: 0.7rem;
      font-weight: 600;
      font-size: 0.75rem;
    }
    form.silence {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 0.75rem;
      align-items: end;
      margin-bottom: 0.75rem;
    }
    form.silence label {
      display: grid;
      gap: 0.15rem;
      color: #475569;
    }
    input {
      font: inherit;
      padding: 0.3rem 0.4rem;
      border: 1px solid #cbd5e1;
      border-radius: 0.35rem;
    }
    button {
      font: inherit;
      padding: 0.35rem 0.8rem;
      border: 0;
      border-radius: 0.35rem;
      background: #0f3d5e;
      color: #fff;
      cursor: pointer;
    }
    button[disabled] {
      opacity: 0.45;
      cursor: not-allowed;
    }
    .error {
      color: #b3261e;
    }
    .muted {
      color: #64748b;
    }
    a {
      color: #1d6d8f;
    }
  `];
}

customElements.define('qt-alerts-panel', QtAlertsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'qt-alerts-panel': QtAlertsPanel;
  }
}
