import { html, nothing, type TemplateResult } from 'lit';
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
import { formatCount } from './alert-duration.js';
import { bulkAcknowledge, renderBulkBar, selectable } from './bulk-ack.js';

/**
 * Open alerts as a table with their actions: acknowledge with a note, silence for a while; for
 * operators and admins, checkboxes and one acknowledge (one note, one request) for many. The
 * buttons are shown to everyone but enabled for operators and admins only; the server checks
 * the role again (a viewer's request is refused with 403). Below 768 px each row is a card.
 */
export class QtAlertList extends QtElement {
  static override properties = {
    ...inputs('alerts', 'stations', 'user', 'onAlertChanged', 'now', 'emptyText'),
    ...states('editing', 'message', 'selected', 'bulkBusy', 'bulkMessage'),
  };
  declare alerts: readonly Alert[];
  declare stations: ReadonlyMap<string, StationSummary>;
  declare user: SessionUser | undefined;
  declare onAlertChanged: ((a: Alert) => void) | undefined;
  /** The alert whose acknowledge or silence form is open. */
  declare editing: { id: string; kind: 'ack' | 'silence' } | undefined;
  declare message: { id: string; text: string; error: boolean } | undefined;
  /** The centre's clock (epoch ms), for the durations; the parent re-renders with its clock. */
  declare now: number;
  /** What to say when the list is empty (no open alert, or none matching the filters). */
  declare emptyText: string | undefined;
  /** Alert ids ticked for bulk acknowledge; only those still shown and unacknowledged count. */
  declare selected: ReadonlySet<string>;
  declare bulkBusy: boolean;
  declare bulkMessage: { text: string; error: boolean } | undefined;

  constructor() {
    super();
    this.alerts = [];
    this.stations = new Map();
    this.user = undefined;
    this.onAlertChanged = undefined;
    this.editing = undefined;
    this.message = undefined;
    this.now = Date.now();
    this.emptyText = undefined;
    this.selected = new Set();
    this.bulkBusy = false;
    this.bulkMessage = undefined;
  }

  #selectableIds(): string[] {
    return this.alerts.filter(selectable).map((a) => a.id);
  }

  #select(id: string, on: boolean): void {
    const next = new Set(this.selected);
    if (on) next.add(id);
    else next.delete(id);
    this.selected = next;
  }

  async #bulkAcknowledge(note: string): Promise<void> {
    const ids = this.#selectableIds().filter((id) => this.selected.has(id));
    if (ids.length === 0) return;
    this.bulkBusy = true;
    try {
      const { acknowledged, notAcknowledged } = await bulkAcknowledge(ids, note);
      for (const a of acknowledged) this.onAlertChanged?.(a);
      this.selected = new Set();
      this.renderRoot.querySelector<HTMLFormElement>('form.bulk')?.reset();
      const n = formatCount(acknowledged.length);
      this.bulkMessage = {
        text: notAcknowledged.length ? t('bulk_partial', { n, missing: formatCount(notAcknowledged.length) }) : t('bulk_done', { n }),
        error: notAcknowledged.length > 0,
      };
    } catch (err) {
      this.bulkMessage = { text: actionError(err), error: true };
    } finally {
      this.bulkBusy = false;
    }
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
    const act = canAct(this.user);
    return {
      station: this.stations.get(a.station),
      canAct: act,
      now: this.now,
      selectable: act && selectable(a),
      selected: this.selected.has(a.id),
      onSelect: (on) => this.#select(a.id, on),
      editing: this.editing?.id === a.id ? this.editing.kind : undefined,
      message: this.message?.id === a.id ? this.message : undefined,
      onEdit: (kind) => (this.editing = { id: a.id, kind }),
      onCancel: () => (this.editing = undefined),
      onAcknowledge: (note) => void this.#acknowledge(a, note),
      onSilence: (minutes, reason) => void this.#silence(a, minutes, reason),
    };
  }

  #renderBulkBar(): TemplateResult {
    return renderBulkBar({
      selectableIds: this.#selectableIds(),
      selected: this.selected,
      busy: this.bulkBusy,
      message: this.bulkMessage,
      onSelectAll: (all) => (this.selected = new Set(all ? this.#selectableIds() : [])),
      onAcknowledge: (note) => void this.#bulkAcknowledge(note),
    });
  }

  protected override render(): TemplateResult {
    const pick = canAct(this.user);
    const bar = pick ? this.#renderBulkBar() : nothing;
    if (this.alerts.length === 0)
      return html`${bar}
        <p class="empty" data-testid="no-alerts">${this.emptyText ?? t('noAlerts')}</p>`;
    return html`${bar}
      <table data-testid="alert-list">
        <thead>
          <tr>
            ${pick ? html`<th class="pick"><span class="visually-hidden">${t('bulk_selectAll')}</span></th>` : nothing}
            <th>${t('severity')}</th>
            <th>${t('col_station')}</th>
            <th>${t('parameter')}</th>
            <th>${t('message')}</th>
            <th>${t('valueVsLimit')}</th>
            <th>${t('since')} <small>(UTC+7)</small></th>
            <th>${t('col_duration')}</th>
            <th>${t('state')}</th>
            <th>${t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this.alerts,
            (a) => a.id,
            (a) => renderAlertRow(a, this.#context(a), pick),
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
