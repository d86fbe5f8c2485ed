import { alertText } from '../model/alert-text.js';
import { html, nothing, type TemplateResult } from 'lit';
import type { AlertEvent } from '../../../../core/index.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { formatValue } from '../format-value.js';
import { t, type MessageKey } from '../i18n/index.js';
import { href } from '../router.js';

function eventRow(e: AlertEvent): TemplateResult {
  const a = e.alert;
  return html`<tr>
    <td title=${isoTitle(e.at)}>${formatDateTime(e.at)}</td>
    <td>${t(`event_${e.type}` as MessageKey)}</td>
    <td><span class="sev ${a.severity}">${t(a.severity)}</span></td>
    <td><a href=${href.station(a.station)}>${a.station}</a></td>
    <td>${a.parameter === '*' ? '—' : a.parameter} <small>${t(`rule_${a.rule}` as MessageKey)}</small></td>
    <td>${alertText(a)}${a.note ? html` <small>“${a.note}”</small>` : nothing}</td>
    <td>
      ${a.value !== undefined ? formatValue(a.value) : '—'}${a.limit !== undefined ? ` / ${formatValue(a.limit)}` : ''} ${a.unit ?? ''}
    </td>
    <td>${a.acknowledgedBy ?? ''}</td>
  </tr>`;
}

/** The alert events, newest first (`GET /api/alerts/history`); `undefined` while loading. */
export function renderAlertHistory(events: readonly AlertEvent[] | undefined): TemplateResult {
  if (events === undefined) return html`<p class="muted">…</p>`;
  if (events.length === 0) return html`<p class="muted">${t('noHistory')}</p>`;
  return html`<table data-testid="alert-history">
    <thead>
      <tr>
        <th>${t('at')} <small>(UTC+7)</small></th>
        <th>${t('event')}</th>
        <th>${t('severity')}</th>
        <th>${t('col_station')}</th>
        <th>${t('parameter')}</th>
        <th>${t('message')}</th>
        <th>${t('valueVsLimit')}</th>
        <th>${t('by')}</th>
      </tr>
    </thead>
    <tbody>
      ${events.map(eventRow)}
    </tbody>
  </table>`;
}
