import { severityStyles } from './severity-styles.js';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Alert, StationSummary } from '../../../core/index.js';
import { api, ApiError } from './api.js';
import { formatDateTime, isoTitle } from './format-clock.js';
import { formatValue } from './format-value.js';
import { LangController, t, type MessageKey } from './i18n.js';
import type { SessionUser } from './qt-app.js';
import { href } from './router.js';

const SEVERITY_RANK = { critical: 0, warning: 1 } as const;

/** Worst first, then the oldest: what has waited longest at the top. */
export function sortAlerts(alerts: Iterable<Alert>): Alert[] {
  return [...alerts].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.since - b.since);
}

/**
 * Open alerts as a table with their actions: acknowledge with a note, silence for a while.
 * The buttons are shown to everyone but enabled for operators and admins only; the server
 * checks the role again (a viewer's request is refused with 403).
 */
export class QtAlertList extends LitElement {
  static override properties = {
    alerts: { attribute: false },
    stations: { attribute: false },
    user: { attribute: false },
    onAlertChanged: { attribute: false },
    editing: { state: true },
    message: { state: true },
  };
  declare alerts: readonly Alert[];
  declare stations: ReadonlyMap<string, StationSummary>;
  declare user: SessionUser | undefined;
  declare onAlertChanged: ((a: Alert) => void) | undefined;
  /** The alert whose acknowledge or silence form is open. */
  declare editing: { id: string; kind: 'ack' | 'silence' } | undefined;
  declare message: { id: string; text: string; error: boolean } | undefined;
  readonly #lang = new LangController(this);

  constructor() {
    super();
    this.alerts = [];
    this.stations = new Map();
    this.user = undefined;
    this.onAlertChanged = undefined;
    this.editing = undefined;
    this.message = undefined;
  }

  get #canAct(): boolean {
    return this.user?.role === 'operator' || this.user?.role === 'admin';
  }

  async #acknowledge(a: Alert, note: string): Promise<void> {
    try {
      const { alert } = await api<{ alert: Alert }>(`/api/alerts/${encodeURIComponent(a.id)}/acknowledge`, { body: note ? { note } : {} });
      this.editing = undefined;
      this.message = undefined;
      this.onAlertChanged?.(alert);
    } catch (err) {
      this.message = { id: a.id, text: err instanceof ApiError && err.status === 403 ? t('forbidden') : t('actionFailed', { error: (err as Error).message }), error: true };
    }
  }

  async #silence(a: Alert, minutes: number, reason: string): Promise<void> {
    try {
      await api('/api/silences', { body: { station: a.station, ...(a.parameter !== '*' ? { parameter: a.parameter } : {}), durationMin: minutes, ...(reason ? { reason } : {}) } });
      this.editing = undefined;
      this.message = { id: a.id, text: t('silenceUntil', { until: formatDateTime(Date.now() + minutes * 60_000) }), error: false };
    } catch (err) {
      this.message = { id: a.id, text: err instanceof ApiError && err.status === 403 ? t('forbidden') : t('actionFailed', { error: (err as Error).message }), error: true };
    }
  }

  #form(a: Alert): TemplateResult | typeof nothing {
    const e = this.editing;
    if (!e || e.id !== a.id) return nothing;
    if (e.kind === 'ack') {
      return html`<form class="inline" data-testid="ack-form" @submit=${(ev: SubmitEvent) => {
        ev.preventDefault();
        void this.#acknowledge(a, String(new FormData(ev.target as HTMLFormElement).get('note') ?? '').trim());
      }}>
        <input name="note" placeholder=${t('acknowledgeNote')} aria-label=${t('acknowledgeNote')} maxlength="1000" data-testid="ack-note" />
        <button type="submit" data-testid="ack-confirm">${t('confirm')}</button>
        <button type="button" @click=${() => (this.editing = undefined)}>${t('cancel')}</button>
      </form>`;
    }
    return html`<form class="inline" data-testid="silence-form" @submit=${(ev: SubmitEvent) => {
      ev.preventDefault();
      const data = new FormData(ev.target as HTMLFormElement);
      void this.#silence(a, Number(data.get('minutes') ?? 60) || 60, String(data.get('reason') ?? '').trim());
    }}>
      <input name="minutes" type="number" min="1" max="43200" value="60" aria-label=${t('silenceDuration')} title=${t('silenceDuration')} />
      <input name="reason" placeholder=${t('silenceReason')} aria-label=${t('silenceReason')} maxlength="500" />
      <button type="submit">${t('confirm')}</button>
      <button type="button" @click=${() => (this.editing = undefined)}>${t('cancel')}</button>
    </form>`;
  }

  #row(a: Alert): TemplateResult {
    const station = this.stations.get(a.station);
    const unit = a.unit ?? station?.parameters.find((p) => p.parameter === a.parameter)?.unit ?? '';
    const acked = a.state === 'acknowledged';
    const msg = this.message?.id === a.id ? this.message : undefined;
    return html`<tr data-alert=${a.id} data-severity=${a.severity} data-state=${a.state} class=${a.severity}>
      <td><span class="sev ${a.severity}">${t(a.severity)}</span>${a.flapping ? html` <small>${t('event_flapping')}</small>` : nothing}</td>
      <td><a href=${href.station(a.station, a.parameter === '*' ? undefined : a.parameter)}>${a.station}</a>
        <div class="sub">${station?.name ?? ''}</div></td>
      <td>${a.parameter === '*' ? '—' : a.parameter}<div class="sub">${t(`rule_${a.rule}` as MessageKey)}</div></td>
      <td class="message">${a.message}</td>
      <td class="num">${a.value !== undefined ? html`<strong>${formatValue(a.value)}</strong>` : '—'}${a.limit !== undefined ? html` / ${formatValue(a.limit)}` : nothing} <span class="unit">${unit}</span></td>
      <td title=${isoTitle(a.since)}>${formatDateTime(a.since)}${a.forecastAt !== undefined ? html`<div class="sub" title=${isoTitle(a.forecastAt)}>${t('forecast')} ${formatDateTime(a.forecastAt)}</div>` : nothing}</td>
      <td>${t(`alertState_${a.state}` as MessageKey)}${acked && a.acknowledgedBy ? html`<div class="sub" title=${a.note ?? ''}>${t('ackBy', { by: a.acknowledgedBy, at: a.acknowledgedAt ? formatDateTime(a.acknowledgedAt) : '' })}${a.note ? html`: “${a.note}”` : nothing}</div>` : nothing}
        ${a.silenced ? html`<div class="sub">${t('event_silenced')}</div>` : nothing}</td>
      <td class="actions">
        ${acked ? nothing : html`<button type="button" data-testid="ack" ?disabled=${!this.#canAct} title=${this.#canAct ? t('acknowledge') : t('needOperator')}
          @click=${() => (this.editing = { id: a.id, kind: 'ack' })}>${t('acknowledge')}</button>`}
        <button type="button" data-testid="silence" ?disabled=${!this.#canAct} title=${this.#canAct ? t('silence') : t('needOperator')}
          @click=${() => (this.editing = { id: a.id, kind: 'silence' })}>${t('silence')}</button>
        ${this.#form(a)}
        ${msg ? html`<div class=${msg.error ? 'error' : 'ok'} role=${msg.error ? 'alert' : 'status'} data-testid="alert-action-message">${msg.text}</div>` : nothing}
      </td>
    </tr>`;
  }

  protected override render(): TemplateResult {
    void this.#lang;
    if (this.alerts.length === 0) return html`<p class="empty" data-testid="no-alerts">${t('noAlerts')}</p>`;
    return html`<table data-testid="alert-list">
      <thead><tr>
        <th>${t('severity')}</th><th>${t('col_station')}</th><th>${t('parameter')}</th><th>${t('message')}</th>
        <th>${t('valueVsLimit')}</th><th>${t('since')} <small>(UTC+7)</small></th><th>${t('state')}</th><th>${t('actions')}</th>
      </tr></thead>
      <tbody>${repeat(this.alerts, (a) => a.id, (a) => this.#row(a))}</tbody>
    </table>`;
  }

  static override styles = [severityStyles, css`
    :host {
      display: block;
      font-size: 0.85rem;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      background: #fff;
    }
    th {
      text-align: left;
      background: #e8edf2;
      color: #334155;
      padding: 0.45rem;
      font-weight: 600;
    }
    td {
      padding: 0.4rem 0.45rem;
      border-bottom: 1px solid #e2e8f0;
      vertical-align: top;
    }
    tr.critical td:first-child {
      box-shadow: inset 4px 0 #b3261e;
    }
    tr.warning td:first-child {
      box-shadow: inset 4px 0 #f59e0b;
    }
    .sev {
      display: inline-block;
      white-space: nowrap;
      padding: 0.05rem 0.45rem;
      border-radius: 0.7rem;
      font-weight: 600;
      font-size: 0.75rem;
    }
    .sub {
      color: #64748b;
      font-size: 0.75rem;
    }
    .num {
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .unit {
      color: #64748b;
    }
    .message {
      max-width: 22rem;
    }
    .actions {
      white-space: nowrap;
    }
    button {
      font: inherit;
      font-size: 0.8rem;
      padding: 0.2rem 0.55rem;
      border-radius: 0.35rem;
      border: 1px solid #0f3d5e;
      background: #0f3d5e;
      color: #fff;
      cursor: pointer;
      margin: 0 0.2rem 0.2rem 0;
    }
    button[data-testid='silence'],
    form button[type='button'] {
      background: #fff;
      color: #0f3d5e;
    }
    button[disabled] {
      opacity: 0.45;
      cursor: not-allowed;
    }
    form.inline {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      margin-top: 0.3rem;
    }
    form.inline input {
      font: inherit;
      font-size: 0.8rem;
      padding: 0.2rem 0.35rem;
      border: 1px solid #cbd5e1;
      border-radius: 0.3rem;
    }
    form.inline input[type='number'] {
      width: 5rem;
    }
    .error {
      color: #b3261e;
      white-space: normal;
    }
    .ok {
      color: #15803d;
    }
    a {
      color: #1d6d8f;
    }
    .empty {
      color: #475569;
    }
  `];
}

customElements.define('qt-alert-list', QtAlertList);

declare global {
  interface HTMLElementTagNameMap {
    'qt-alert-list': QtAlertList;
  }
}
