import { html, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Alert, StationSummary } from '../../../../core/index.js';
import { api } from '../api.js';
import { inputs, QtElement, states } from '../elements.js';
import { formatDateTime } from '../format-clock.js';
import { t } from '../i18n/index.js';
import { actionError, silenceRequest } from '../model/alerts.js';
import { canAct, type SessionUser } from '../model/session.js';
import { alertListStyles } from './alert-list-styles.js';
import { renderAlertRow, type AlertRowContext } from './alert-row.js';

/**
 * Open alerts as a table with their actions: acknowledge with a note, silence for a while.
 * The buttons are shown to everyone but enabled for operators and admins only; the server
 * checks the role again (a viewer's request is refused with 403).
 */
export class QtAlertList extends QtElement {
  static override properties = { ...inputs('alerts', 'stations', 'user', 'onAlertChanged'), ...states('editing', 'message') };
  declare alerts: readonly Alert[];
  declare stations: ReadonlyMap<string, StationSummary>;
  declare user: SessionUser | undefined;
  declare onAlertChanged: ((a: Alert) => void) | undefined;
  /** The alert whose acknowledge or silence form is open. */
  declare editing: { id: string; kind: 'ack' | 'silence' } | undefined;
  declare message: { id: string; text: string; error: boolean } | undefined;

  constructor() {
    super();
    this.alerts = [];
    this.stations = new Map();
    this.user = undefined;
    this.onAlertChanged = undefined;
    this.editing = undefined;
    this.message = undefined;
  }

  async #acknowledge(a: Alert, note: string): Promise<void> {
    try {
      const { alert } = await api<{ alert: Alert }>(`/api/alerts/${encodeURIComponent(a.id)}/acknowledge`, { body: note ? { note } : {} });
      this.editing = undefined;
      this.message = undefined;
      this.onAlertChanged?.(alert);
    } catch (err) {
      this.message = { id: a.id, text: actionError(err), error: true };
    }
  }

  async #silence(a: Alert, minutes: number, reason: string): Promise<void> {
    try {
      await api('/api/silences', { body: silenceRequest(a.station, a.parameter !== '*' ? a.parameter : '', minutes, reason) });
      this.editing = undefined;
      this.message = { id: a.id, text: t('silenceUntil', { until: formatDateTime(Date.now() + minutes * 60_000) }), error: false };
    } catch (err) {
      this.message = { id: a.id, text: actionError(err), error: true };
    }
  }

  #context(a: Alert): AlertRowContext {
    return {
      station: this.stations.get(a.station),
      canAct: canAct(this.user),
      editing: this.editing?.id === a.id ? this.editing.kind : undefined,
      message: this.message?.id === a.id ? this.message : undefined,
      onEdit: (kind) => (this.editing = { id: a.id, kind }),
      onCancel: () => (this.editing = undefined),
      onAcknowledge: (note) => void this.#acknowledge(a, note),
      onSilence: (minutes, reason) => void this.#silence(a, minutes, reason),
    };
  }

  protected override render(): TemplateResult {
    if (this.alerts.length === 0) return html`<p class="empty" data-testid="no-alerts">${t('noAlerts')}</p>`;
    return html`<table data-testid="alert-list">
      <thead>
        <tr>
          <th>${t('severity')}</th>
          <th>${t('col_station')}</th>
          <th>${t('parameter')}</th>
          <th>${t('message')}</th>
          <th>${t('valueVsLimit')}</th>
          <th>${t('since')} <small>(UTC+7)</small></th>
          <th>${t('state')}</th>
          <th>${t('actions')}</th>
        </tr>
      </thead>
      <tbody>
        ${repeat(
          this.alerts,
          (a) => a.id,
          (a) => renderAlertRow(a, this.#context(a)),
        )}
      </tbody>
    </table>`;
  }

  static override styles = alertListStyles;
}

customElements.define('qt-alert-list', QtAlertList);

declare global {
  interface HTMLElementTagNameMap {
    'qt-alert-list': QtAlertList;
  }
}
