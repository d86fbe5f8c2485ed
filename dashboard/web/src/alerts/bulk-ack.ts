import { html, nothing, type TemplateResult } from 'lit';
import type { Alert } from '../../../../core/index.js';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { formatCount } from './alert-duration.js';

/** The answer of `POST /api/alerts/acknowledge`: the alerts acknowledged, and the ids that were not (closed, unknown or out of scope). */
export interface BulkAckResult {
  acknowledged: Alert[];
  notAcknowledged: string[];
}

/** The server's bound on one request (dashboard/server/alert-bulk-ack.ts). */
export const BULK_ACK_MAX = 500;

/** Acknowledges the alerts in one request per 500, with one note. */
export async function bulkAcknowledge(ids: readonly string[], note: string): Promise<BulkAckResult> {
  const result: BulkAckResult = { acknowledged: [], notAcknowledged: [] };
  for (let i = 0; i < ids.length; i += BULK_ACK_MAX) {
    const body = { ids: ids.slice(i, i + BULK_ACK_MAX), ...(note ? { note } : {}) };
    const part = await api<BulkAckResult>('/api/alerts/acknowledge', { body });
    result.acknowledged.push(...part.acknowledged);
    result.notAcknowledged.push(...part.notAcknowledged);
  }
  return result;
}

/** Which open alerts can be selected: those not yet acknowledged. */
export const selectable = (a: Alert): boolean => a.state !== 'acknowledged';

/** The bar above the list for operators: select all shown, how many are selected, one note, one button. */
export interface BulkBar {
  selectableIds: readonly string[];
  selected: ReadonlySet<string>;
  busy: boolean;
  message: { text: string; error: boolean } | undefined;
  onSelectAll(all: boolean): void;
  onAcknowledge(note: string): void;
}

export function renderBulkBar(b: BulkBar): TemplateResult {
  const chosen = b.selectableIds.filter((id) => b.selected.has(id)).length;
  const all = chosen > 0 && chosen === b.selectableIds.length;
  const submit = (ev: SubmitEvent): void => {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    b.onAcknowledge(String(new FormData(form).get('note') ?? '').trim());
  };
  return html`<form class="bulk" data-testid="bulk-ack" @submit=${submit}>
    <label class="all"
      ><input
        type="checkbox"
        data-testid="select-all"
        .checked=${all}
        .indeterminate=${chosen > 0 && !all}
        ?disabled=${b.selectableIds.length === 0}
        @change=${(e: Event) => b.onSelectAll((e.target as HTMLInputElement).checked)}
      />
      ${t('bulk_selectAll')}</label
    >
    <span data-testid="selected-count">${t('bulk_selected', { n: formatCount(chosen) })}</span>
    <input name="note" maxlength="1000" placeholder=${t('bulk_note')} aria-label=${t('bulk_note')} data-testid="bulk-note" />
    <button type="submit" data-testid="bulk-ack-confirm" ?disabled=${chosen === 0 || b.busy}>${t('bulk_ack')}</button>
    ${
      b.message
        ? html`<span class=${b.message.error ? 'error' : 'ok'} role=${b.message.error ? 'alert' : 'status'} data-testid="bulk-message"
            >${b.message.text}</span
          >`
        : nothing
    }
  </form>`;
}
