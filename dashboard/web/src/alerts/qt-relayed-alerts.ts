import { alertText } from '../model/alert-text.js';
import { css, html, nothing, type TemplateResult } from 'lit';
import type { AlertEvent } from '../../../../core/index.js';
import { api } from '../api.js';
import { QtElement, states } from '../elements.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { formatValue } from '../format-value.js';
import { PollController } from '../poll-controller.js';
import { t, type MessageKey } from '../i18n/index.js';
import { actionError } from '../model/alerts.js';
import { href } from '../router.js';
import { severityStyles } from '../styles/severity.js';
import { dataTableStyles } from '../styles/shared.js';

/** How often the section asks again. */
const REFRESH_MS = 15_000;

interface RelayedAlert {
  account: string;
  event: AlertEvent;
}

function row({ account, event }: RelayedAlert): TemplateResult {
  const a = event.alert;
  return html`<tr data-alert=${a.id}>
    <td><span class="sev ${a.severity}">${t(a.severity)}</span></td>
    <td title=${isoTitle(a.since)}>${formatDateTime(a.since)}</td>
    <td><a href=${href.station(a.station)}>${a.station}</a></td>
    <td>${a.parameter === '*' ? '—' : a.parameter} <small>${t(`rule_${a.rule}` as MessageKey)}</small></td>
    <td>${alertText(a)}</td>
    <td>
      ${a.value !== undefined ? formatValue(a.value) : '—'}${a.limit !== undefined ? ` / ${formatValue(a.limit)}` : ''} ${a.unit ?? ''}
    </td>
    <td>${t(`alertState_${a.state}` as MessageKey)}</td>
    <td>${account}</td>
  </tr>`;
}

/**
 * "Reported by province centres" (docs/PROTOCOL.md, "Between centres"): the open alerts the
 * province centres' own rules raised, with the relay account they came through. They are for
 * reading: this centre's own rules and acknowledgements are separate.
 */
export class QtRelayedAlerts extends QtElement {
  static override properties = states('alerts', 'error');
  declare alerts: RelayedAlert[] | undefined;
  declare error: string | undefined;
  protected readonly poll = new PollController(this, () => this.load(), REFRESH_MS);

  async load(): Promise<void> {
    try {
      this.alerts = (await api<{ alerts: RelayedAlert[] }>('/api/relayed-alerts')).alerts;
      this.error = undefined;
    } catch (err) {
      this.error = actionError(err);
    }
  }

  protected override render(): TemplateResult {
    const list = this.alerts;
    return html`<h3>${t('relayed_title')}</h3>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        list === undefined
          ? html`<p class="muted">…</p>`
          : list.length === 0
            ? html`<p class="muted">${t('relayed_none')}</p>`
            : html`<table data-testid="relayed-alerts">
                <thead>
                  <tr>
                    <th>${t('severity')}</th>
                    <th>${t('since')} <small>(UTC+7)</small></th>
                    <th>${t('col_station')}</th>
                    <th>${t('rule')}</th>
                    <th>${t('message')}</th>
                    <th>${t('valueVsLimit')}</th>
                    <th>${t('state')}</th>
                    <th>${t('relayed_from')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${list.map(row)}
                </tbody>
              </table>`
      }`;
  }

  static override styles = [
    severityStyles,
    dataTableStyles,
    css`
      :host {
        display: block;
        margin-top: 1.5rem;
        font-size: 0.85rem;
      }
      td {
        padding: 0.35rem 0.45rem;
        border-top: 1px solid var(--qt-border);
      }
      .muted {
        color: var(--qt-text-muted);
      }
      .error {
        color: var(--qt-critical);
      }
    `,
  ];
}

customElements.define('qt-relayed-alerts', QtRelayedAlerts);

declare global {
  interface HTMLElementTagNameMap {
    'qt-relayed-alerts': QtRelayedAlerts;
  }
}
