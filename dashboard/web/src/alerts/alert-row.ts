import { alertText } from '../model/alert-text.js';
import { html, nothing, type TemplateResult } from 'lit';
import type { Alert, StationSummary } from '../../../../core/index.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { formatValue } from '../format-value.js';
import { t, type MessageKey } from '../i18n/index.js';
import { href } from '../router.js';
import { renderAckForm, renderSilenceForm, type FormActions } from './alert-forms.js';

/** What a row needs besides its alert: the station, the user's rights, the open form, the last message. */
export interface AlertRowContext extends FormActions {
  station: StationSummary | undefined;
  canAct: boolean;
  editing: 'ack' | 'silence' | undefined;
  message: { text: string; error: boolean } | undefined;
  onEdit(kind: 'ack' | 'silence'): void;
}

const sub = (text: unknown, title?: string): TemplateResult => html`<div class="sub" title=${title ?? nothing}>${text}</div>`;

function valueCell(a: Alert, unit: string): TemplateResult {
  return html`<td class="num">
    ${a.value !== undefined ? html`<strong>${formatValue(a.value)}</strong>` : '—'}${
      a.limit !== undefined ? html` / ${formatValue(a.limit)}` : nothing
    }
    <span class="unit">${unit}</span>
  </td>`;
}

function stateCell(a: Alert): TemplateResult {
  const acked = a.state === 'acknowledged' && a.acknowledgedBy;
  const by = t('ackBy', { by: a.acknowledgedBy ?? '', at: a.acknowledgedAt ? formatDateTime(a.acknowledgedAt) : '' });
  return html`<td>
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

/** One open alert: severity, station, parameter and rule, message, value against limit, since, state, actions. */
export function renderAlertRow(a: Alert, ctx: AlertRowContext): TemplateResult {
  const unit = a.unit ?? ctx.station?.parameters.find((p) => p.parameter === a.parameter)?.unit ?? '';
  const forecast = a.forecastAt !== undefined ? sub(`${t('forecast')} ${formatDateTime(a.forecastAt)}`, isoTitle(a.forecastAt)) : nothing;
  return html`<tr data-alert=${a.id} data-severity=${a.severity} data-state=${a.state} class=${a.severity}>
    <td><span class="sev ${a.severity}">${t(a.severity)}</span>${a.flapping ? html` <small>${t('event_flapping')}</small>` : nothing}</td>
    <td>
      <a href=${href.station(a.station, a.parameter === '*' ? undefined : a.parameter)}>${a.station}</a>
      ${sub(ctx.station?.name ?? '')}
    </td>
    <td>${a.parameter === '*' ? '—' : a.parameter}${sub(t(`rule_${a.rule}` as MessageKey))}</td>
    <td class="message">${alertText(a)}</td>
    ${valueCell(a, unit)}
    <td title=${isoTitle(a.since)}>${formatDateTime(a.since)}${forecast}</td>
    ${stateCell(a)} ${actionsCell(a, ctx)}
  </tr>`;
}
