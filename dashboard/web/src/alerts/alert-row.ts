import { alertText } from '../model/alert-text.js';
import { html, nothing, type TemplateResult } from 'lit';
import type { Alert, StationSummary } from '../../../../core/index.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { formatValue } from '../format-value.js';
import { t, type MessageKey } from '../i18n/index.js';
import { href } from '../router.js';
import { formatDuration } from './alert-duration.js';
import { renderAckForm, renderSilenceForm, type FormActions } from './alert-forms.js';

/** What a row needs besides its alert: the station, the user's rights, the open form, the last message. */
export interface AlertRowContext extends FormActions {
  station: StationSummary | undefined;
  canAct: boolean;
  editing: 'ack' | 'silence' | undefined;
  message: { text: string; error: boolean } | undefined;
  onEdit(kind: 'ack' | 'silence'): void;
  /** The centre's clock, for the duration. */
  now: number;
  /** Whether the row has a checkbox for bulk acknowledge (operators and admins, alerts not yet acknowledged). */
  selectable: boolean;
  selected: boolean;
  onSelect(selected: boolean): void;
}

const sub = (text: unknown, title?: string): TemplateResult => html`<div class="sub" title=${title ?? nothing}>${text}</div>`;

function valueCell(a: Alert, unit: string): TemplateResult {
  return html`<td class="num" data-label=${t('valueVsLimit')}>
    ${a.value !== undefined ? html`<strong>${formatValue(a.value)}</strong>` : '—'}${
      a.limit !== undefined ? html` / ${formatValue(a.limit)}` : nothing
    }
    <span class="unit">${unit}</span>
  </td>`;
}

function stateCell(a: Alert): TemplateResult {
  const acked = a.state === 'acknowledged' && a.acknowledgedBy;
  const by = t('ackBy', { by: a.acknowledgedBy ?? '', at: a.acknowledgedAt ? formatDateTime(a.acknowledgedAt) : '' });
  return html`<td data-label=${t('state')}>
    ${t(`alertState_${a.state}` as MessageKey)}${acked ? sub(html`${by}${a.note ? html`: “${a.note}”` : nothing}`, a.note ?? '') : nothing}
    ${a.silenced ? sub(t('event_silenced')) : nothing}
  </td>`;
}

function actionsCell(a: Alert, ctx: AlertRowContext): TemplateResult {
  const title = (label: MessageKey): string => (ctx.canAct ? t(label) : t('needOperator'));
  const msg = ctx.message;
  return html`<td class="actions">
    ${
      a.state === 'acknowledged'
        ? nothing
        : html`<button
            type="button"
            data-testid="ack"
            ?disabled=${!ctx.canAct}
            title=${title('acknowledge')}
            @click=${() => ctx.onEdit('ack')}
          >
            ${t('acknowledge')}
          </button>`
    }
    <button type="button" data-testid="silence" ?disabled=${!ctx.canAct} title=${title('silence')} @click=${() => ctx.onEdit('silence')}>
      ${t('silence')}
    </button>
    ${ctx.editing === 'ack' ? renderAckForm(ctx) : ctx.editing === 'silence' ? renderSilenceForm(ctx) : nothing}
    ${
      msg
        ? html`<div class=${msg.error ? 'error' : 'ok'} role=${msg.error ? 'alert' : 'status'} data-testid="alert-action-message">
            ${msg.text}
          </div>`
        : nothing
    }
  </td>`;
}

function selectCell(a: Alert, ctx: AlertRowContext): TemplateResult {
  return html`<td class="pick">
    ${
      ctx.selectable
        ? html`<input
            type="checkbox"
            data-testid="select"
            .checked=${ctx.selected}
            aria-label=${t('bulk_select', { id: a.id })}
            @change=${(e: Event) => ctx.onSelect((e.target as HTMLInputElement).checked)}
          />`
        : nothing
    }
  </td>`;
}

/**
 * One open alert: (its checkbox), severity, station, parameter and rule, message, value against
 * limit, since, duration, state, actions. Each cell carries its column's name for the phone's cards.
 */
export function renderAlertRow(a: Alert, ctx: AlertRowContext, withPick: boolean): TemplateResult {
  const unit = a.unit ?? ctx.station?.parameters.find((p) => p.parameter === a.parameter)?.unit ?? '';
  const forecast = a.forecastAt !== undefined ? sub(`${t('forecast')} ${formatDateTime(a.forecastAt)}`, isoTitle(a.forecastAt)) : nothing;
  return html`<tr data-alert=${a.id} data-severity=${a.severity} data-state=${a.state} data-zone=${a.zone} class=${a.severity}>
    ${withPick ? selectCell(a, ctx) : nothing}
    <td><span class="sev ${a.severity}">${t(a.severity)}</span>${a.flapping ? html` <small>${t('event_flapping')}</small>` : nothing}</td>
    <td data-label=${t('col_station')}>
      <a href=${href.station(a.station, a.parameter === '*' ? undefined : a.parameter)}>${a.station}</a>
      ${sub(ctx.station?.name ?? '')}
    </td>
    <td data-label=${t('parameter')}>${a.parameter === '*' ? '—' : a.parameter}${sub(t(`rule_${a.rule}` as MessageKey))}</td>
    <td class="message" data-label=${t('message')}>${alertText(a)}</td>
    ${valueCell(a, unit)}
    <td title=${isoTitle(a.since)} data-label=${t('since')}>${formatDateTime(a.since)}${forecast}</td>
    <td class="num" data-testid="duration" data-label=${t('col_duration')}>${formatDuration(ctx.now - a.since)}</td>
    ${stateCell(a)} ${actionsCell(a, ctx)}
  </tr>`;
}
