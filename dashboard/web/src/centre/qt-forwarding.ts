import { css, html, nothing, type TemplateResult } from 'lit';
import { api, ApiError } from '../api.js';
import { inputs, QtElement, states } from '../elements.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { t } from '../i18n/index.js';
import { PollController } from '../poll-controller.js';
import { dataTableStyles } from '../styles/shared.js';
import { formatLag, isLate, megabytes, type RelayRow, type UpstreamLink } from './forwarding-format.js';

/** How often the panel asks again: the relays report every few seconds. */
const REFRESH_MS = 10_000;

/** A lag cell: human text, marked late over 60 s. */
const lagCell = (lagMs: number): TemplateResult =>
  html`<span class=${isLate(lagMs) ? 'late' : ''} data-late=${isLate(lagMs) ? 'true' : 'false'}
    >${formatLag(lagMs)}${isLate(lagMs) ? html` <strong>${t('fwd_late')}</strong>` : nothing}</span
  >`;

const linkState = (connected: boolean): TemplateResult =>
  html`<span class=${connected ? 'up' : 'down'}>${t(connected ? 'fwd_connected' : 'fwd_disconnected')}</span>`;

function renderUpstream(link: UpstreamLink | null | undefined): TemplateResult {
  if (link === undefined) return html`<p class="muted">…</p>`;
  if (link === null) return html`<p class="muted" data-testid="not-forwarding">${t('fwd_notForwarding')}</p>`;
  return html`<dl class="upstream" data-testid="upstream">
    <div>
      <dt>${link.upstream}</dt>
      <dd>${linkState(link.connected)}${link.since ? ` · ${t('fwd_since', { at: formatDateTime(link.since) })}` : ''}</dd>
    </div>
    <div>
      <dt>${t('fwd_lag')}</dt>
      <dd>${lagCell(link.lagMs)}</dd>
    </div>
    <div>
      <dt>${t('fwd_backlog')}</dt>
      <dd>${t('fwd_backlogValue', { points: link.backlogPoints, mb: megabytes(link.backlogBytes) })}</dd>
    </div>
    <div>
      <dt>${t('fwd_forwarded')}</dt>
      <dd>${link.forwardedReadings}</dd>
    </div>
    ${link.lastError ? html`<p class="error">${t('fwd_lastError', { error: link.lastError })}</p>` : nothing}
  </dl>`;
}

function renderRelays(relays: readonly RelayRow[] | undefined): TemplateResult {
  if (relays === undefined) return html`<p class="muted">…</p>`;
  if (relays.length === 0) return html`<p class="muted">${t('fwd_noProvinces')}</p>`;
  return html`<table data-testid="relays">
    <thead>
      <tr>
        <th>${t('fwd_account')}</th>
        <th>${t('fwd_state')}</th>
        <th>${t('fwd_stationCount')}</th>
        <th>${t('fwd_lag')}</th>
        <th>${t('fwd_backlog')}</th>
        <th>${t('fwd_seenAt')} <small>(UTC+7)</small></th>
      </tr>
    </thead>
    <tbody>
      ${relays.map(
        (r) =>
          html`<tr data-account=${r.account}>
            <td>${r.account}</td>
            <td>${linkState(r.connected)}</td>
            <td>${r.stations}</td>
            <td>${lagCell(r.lagMs)}</td>
            <td>${t('fwd_backlogValue', { points: r.backlogPoints, mb: megabytes(r.backlogBytes) })}</td>
            <td title=${isoTitle(r.seenAt)}>${formatDateTime(r.seenAt)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * The forwarding panel (docs/PROTOCOL.md, "Between centres"): this centre's own link to the
 * centre above (404: not forwarding) and the province centres forwarding here, refreshed every
 * 10 s while shown.
 */
export class QtForwarding extends QtElement {
  static override properties = { ...inputs(), ...states('upstream', 'relays', 'error') };
  declare upstream: UpstreamLink | null | undefined;
  declare relays: RelayRow[] | undefined;
  declare error: string | undefined;
  protected readonly poll = new PollController(this, () => this.load(), REFRESH_MS);

  async load(): Promise<void> {
    const [upstream, relays] = await Promise.allSettled([
      api<UpstreamLink>('/api/relay/upstream'),
      api<{ relays: RelayRow[] }>('/api/relays'),
    ]);
    this.error = undefined;
    if (upstream.status === 'fulfilled') this.upstream = upstream.value;
    else if (upstream.reason instanceof ApiError && upstream.reason.status === 404) this.upstream = null;
    else this.error = String((upstream.reason as Error).message);
    if (relays.status === 'fulfilled') this.relays = relays.value.relays;
    else this.error = String((relays.reason as Error).message);
  }

  protected override render(): TemplateResult {
    return html`<h2>${t('fwd_title')}</h2>
      ${this.error ? html`<p class="error" role="alert">${t('fwd_error', { error: this.error })}</p>` : nothing}
      <section>
        <h3>${t('fwd_upstream')}</h3>
        ${renderUpstream(this.upstream)}
      </section>
      <section>
        <h3>${t('fwd_provinces')}</h3>
        ${renderRelays(this.relays)}
      </section>`;
  }

  static override styles = [
    dataTableStyles,
    css`
      :host {
        display: block;
        font-size: 0.85rem;
      }
      td {
        padding: 0.35rem 0.45rem;
        border-top: 1px solid var(--qt-border);
      }
      .upstream div {
        display: flex;
        gap: 1rem;
      }
      .upstream dt {
        min-width: 12rem;
        font-weight: 600;
      }
      .upstream dd {
        margin: 0;
      }
      .late,
      .down,
      .error {
        color: var(--qt-critical);
      }
      .up {
        color: var(--qt-ok);
      }
      .muted {
        color: var(--qt-text-muted);
      }
    `,
  ];
}

customElements.define('qt-forwarding', QtForwarding);

declare global {
  interface HTMLElementTagNameMap {
    'qt-forwarding': QtForwarding;
  }
}
