import { css, html, nothing, type TemplateResult } from 'lit';
import { api } from '../api.js';
import { QtElement, states } from '../elements.js';
import { formatClock, formatDateTime, isoTitle } from '../format-clock.js';
import { t, type MessageKey } from '../i18n/index.js';
import { AUDIT_ACTIONS, auditQuery, detailText, type AuditFilterForm } from './audit-filter.js';
import { adminFormStyles } from '../styles/shared.js';

/** One entry as GET /api/audit answers it. */
interface AuditRow {
  time: string;
  action: string;
  user?: string;
  address?: string;
  target?: string;
  outcome?: 'ok' | 'refused' | 'failed';
  detail?: Record<string, string | number | boolean>;
}

const label = (prefix: string, key: string | undefined, known: readonly string[]): string =>
  key !== undefined && known.includes(key) ? t(`${prefix}${key}` as MessageKey) : (key ?? '—');

/**
 * The audit log for admins (docs/SECURITY.md, "Audit log"): who did what, from where, newest
 * first, filtered by time (UTC+7), user and action. Every text shown comes from the server as
 * data (Lit escapes it); the server refuses anyone but an admin.
 */
export class QtAudit extends QtElement {
  static override properties = states('entries', 'skipped', 'error', 'loading');
  declare entries: AuditRow[] | undefined;
  declare skipped: number;
  declare error: string | undefined;
  declare loading: boolean;
  #form: AuditFilterForm = { since: '', until: '', user: '', action: '' };

  constructor() {
    super();
    this.entries = undefined;
    this.skipped = 0;
    this.error = undefined;
    this.loading = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    this.loading = true;
    try {
      const res = await api<{ entries: AuditRow[]; skipped?: number }>(auditQuery(this.#form));
      this.entries = res.entries;
      this.skipped = res.skipped ?? 0;
      this.error = undefined;
    } catch (err) {
      this.error = t('actionFailed', { error: (err as Error).message });
    }
    this.loading = false;
  }

  #submit(e: SubmitEvent): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const text = (name: string): string => String(data.get(name) ?? '');
    this.#form = { since: text('since'), until: text('until'), user: text('user'), action: text('action') };
    void this.#load();
  }

  #renderRow(r: AuditRow): TemplateResult {
    const ms = Date.parse(r.time);
    return html`<tr data-action=${r.action} class=${r.outcome ?? ''}>
      <td title=${isoTitle(ms)}>${formatDateTime(ms)}:${formatClock(ms).slice(6)}</td>
      <td>${r.user ?? '—'}</td>
      <td>${r.address ?? '—'}</td>
      <td title=${r.action}>${label('audit_', r.action, AUDIT_ACTIONS)}</td>
      <td>${r.target ?? '—'}</td>
      <td>${label('outcome_', r.outcome, ['ok', 'refused', 'failed'])}</td>
      <td class="detail">${detailText(r.detail)}</td>
    </tr>`;
  }

  #renderTable(entries: AuditRow[]): TemplateResult {
    if (entries.length === 0) return html`<p class="notice" data-testid="audit-empty">${t('auditEmpty')}</p>`;
    return html`<p class="count">
        ${t('auditCount', { count: entries.length })}${this.skipped > 0 ? html` · ${t('auditSkipped', { count: this.skipped })}` : nothing}
      </p>
      <table data-testid="audit-table">
        <thead>
          <tr>
            <th>${t('auditTime')} ${t('localTime')}</th>
            <th>${t('auditUser')}</th>
            <th>${t('auditAddress')}</th>
            <th>${t('auditAction')}</th>
            <th>${t('auditTarget')}</th>
            <th>${t('auditOutcome')}</th>
            <th>${t('auditDetail')}</th>
          </tr>
        </thead>
        <tbody>
          ${entries.map((r) => this.#renderRow(r))}
        </tbody>
      </table>`;
  }

  protected override render(): TemplateResult {
    return html`<h2>${t('auditTitle')}</h2>
      <form @submit=${(e: SubmitEvent) => this.#submit(e)}>
        <label>${t('from')}<input type="datetime-local" name="since" /></label>
        <label>${t('to')}<input type="datetime-local" name="until" /></label>
        <label>${t('auditUser')}<input name="user" maxlength="256" /></label>
        <label
          >${t('auditAction')}<select name="action">
            <option value="">${t('auditAnyAction')}</option>
            ${AUDIT_ACTIONS.map((a) => html`<option value=${a}>${t(`audit_${a}` as MessageKey)}</option>`)}
          </select></label
        >
        <button type="submit" ?disabled=${this.loading}>${t('auditShow')}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.entries === undefined ? nothing : this.#renderTable(this.entries)}`;
  }

  static override styles = [
    adminFormStyles,
    css`
      :host {
        display: block;
        font-size: 0.9rem;
      }
      table {
        border-collapse: collapse;
        background: var(--qt-white);
        min-width: 50rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.35rem 0.6rem;
        border-bottom: 1px solid var(--qt-border-light);
        vertical-align: top;
        overflow-wrap: anywhere;
      }
      tr.refused td,
      tr.failed td {
        color: var(--qt-critical);
      }
      .detail,
      .count {
        color: var(--qt-text-muted);
      }
      .error {
        color: var(--qt-critical);
      }
    `,
  ];
}

customElements.define('qt-audit', QtAudit);

declare global {
  interface HTMLElementTagNameMap {
    'qt-audit': QtAudit;
  }
}
