import { css, html, nothing, type TemplateResult } from 'lit';
import type { Alert, StationSummary } from '../../../../core/index.js';
import { formatDateTime } from '../format-clock.js';
import { t, type MessageKey } from '../i18n/index.js';
import { alertText } from '../model/alert-text.js';
import { sortAlerts } from '../model/alerts.js';

/** A wall shows what fits on it: the most severe first; the rest are counted. */
const SHOWN = 20;

/**
 * The open alerts as a wall reads them: severity, station, parameter, message, since and state,
 * and nothing to click (a display is read-only; the server refuses its writes anyway).
 */
export function renderKioskAlerts(alerts: Iterable<Alert>, stations: ReadonlyMap<string, StationSummary>): TemplateResult {
  const sorted = sortAlerts(alerts);
  if (sorted.length === 0) return html`<p class="empty" data-testid="kiosk-no-alerts">${t('kiosk_no_alerts')}</p>`;
  const more = sorted.length - SHOWN;
  return html`<table class="alerts" data-testid="kiosk-alerts">
      <thead>
        <tr>
          <th scope="col">${t('kiosk_col_severity')}</th>
          <th scope="col">${t('kiosk_col_station')}</th>
          <th scope="col">${t('kiosk_col_parameter')}</th>
          <th scope="col">${t('kiosk_col_message')}</th>
          <th scope="col">${t('kiosk_col_since')}</th>
          <th scope="col">${t('kiosk_col_state')}</th>
        </tr>
      </thead>
      <tbody>
        ${sorted.slice(0, SHOWN).map(
          (a) =>
            html`<tr data-alert=${a.id} data-severity=${a.severity}>
              <td><span class="sev ${a.severity}">${t(a.severity)}</span></td>
              <td>${a.station}<span class="sub">${stations.get(a.station)?.name ?? ''}</span></td>
              <td>${a.parameter === '*' ? '—' : a.parameter}</td>
              <td>${alertText(a)}</td>
              <td>${formatDateTime(a.since)}</td>
              <td>${t(`alertState_${a.state}` as MessageKey)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${more > 0 ? html`<p class="more">${t('kiosk_more_alerts', { count: more })}</p>` : nothing}`;
}

export const kioskAlertStyles = css`
  table.alerts {
    width: 100%;
    border-collapse: collapse;
    background: var(--qt-white);
    font-size: 1.15rem;
  }
  .alerts th {
    text-align: left;
    background: var(--qt-table-head);
    color: var(--qt-text-strong);
    padding: 0.6rem 0.75rem;
  }
  .alerts td {
    padding: 0.6rem 0.75rem;
    border-bottom: 1px solid var(--qt-border-light);
    vertical-align: top;
  }
  .sub {
    display: block;
    color: var(--qt-text-faint);
    font-size: 0.9em;
  }
  .sev {
    display: inline-block;
    padding: 0.15rem 0.6rem;
    border-radius: 999px;
    font-weight: 600;
  }
  .sev.critical {
    background: var(--qt-critical);
    color: var(--qt-on-state);
  }
  .sev.warning {
    background: var(--qt-warning);
    color: var(--qt-on-warning);
  }
  .empty,
  .more {
    font-size: 1.4rem;
    color: var(--qt-text-muted);
  }
`;
