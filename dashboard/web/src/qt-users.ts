import { css, html, nothing, type TemplateResult } from 'lit';
import { QtElement } from './elements.js';
import { api } from './api.js';
import { formatDateTime } from './format-clock.js';
import { t, type MessageKey } from './i18n/index.js';
import { chosenScopes, COUNTRY_SCOPE, renderScopeSelect, scopeText, type ScopeChoice } from './users/scope-select.js';
import { adminFormStyles } from './styles/shared.js';
import { clearValidity, localValidity } from './form-validity.js';
import './users/qt-otp-note.js';

interface UserRow {
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  disabled: boolean;
  updatedAt: string;
  /** Where the user may look (core/scope.ts texts); absent: the whole country. */
  scope?: string[];
}

const ROLES = ['viewer', 'operator', 'admin'] as const;

/**
 * Accounts for admins: add (the generated password is shown once) with a role and a scope
 * (docs/SECURITY.md, "Access by level": the whole country, or provinces, zones, facilities),
 * change role or scope, disable, reset password.
 */
export class QtUsers extends QtElement {
  static override properties = {
    self: { attribute: false },
    users: { state: true },
    secret: { state: true },
    error: { state: true },
    scopes: { state: true },
    editing: { state: true },
  };
  declare self: string;
  declare users: UserRow[] | undefined;
  /** A new or reset account's password, shown once (users/qt-otp-note.ts hides it). */
  declare secret: { name: string; password: string } | undefined;
  declare error: string | undefined;
  /** The choices of `GET /api/scopes` (empty until loaded, or when the server lists none). */
  declare scopes: ScopeChoice[];
  /** The user whose scope is being changed. */
  declare editing: string | undefined;

  constructor() {
    super();
    this.self = '';
    this.users = undefined;
    this.secret = undefined;
    this.error = undefined;
    this.scopes = [];
    this.editing = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
    void this.#loadScopes();
  }

  async #loadScopes(): Promise<void> {
    try {
      this.scopes = (await api<{ scopes: ScopeChoice[] }>('/api/scopes')).scopes;
    } catch (err) {
      this.error = t('scopes_unavailable', { error: (err as Error).message });
    }
  }

  async #load(): Promise<void> {
    try {
      this.users = (await api<{ users: UserRow[] }>('/api/users')).users;
    } catch (err) {
      this.error = t('actionFailed', { error: (err as Error).message });
    }
  }

  async #do(action: () => Promise<{ password?: string; user?: { name: string } }>): Promise<void> {
    try {
      const res = await action();
      this.error = undefined;
      this.secret = res.password && res.user ? { name: res.user.name, password: res.password } : undefined;
      await this.#load();
    } catch (err) {
      this.error = t('actionFailed', { error: (err as Error).message });
    }
  }

  #change(name: string, body: Record<string, unknown>): Promise<{ password?: string; user?: { name: string } }> {
    return api(`/api/users/${encodeURIComponent(name)}`, { body });
  }

  /** A user's scope, or (while it is being changed) its chooser; an admin's own scope is not changed here. */
  #renderScope(u: UserRow): TemplateResult {
    if (this.editing !== u.name) {
      return html`${scopeText(u.scope, this.scopes)}
        <button type="button" class="small" ?disabled=${u.name === this.self} @click=${() => (this.editing = u.name)}>
          ${t('changeScope')}
        </button>`;
    }
    return html`<form
      class="scope"
      @invalid=${localValidity}
      @input=${clearValidity}
      @change=${clearValidity}
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        const scope = chosenScopes((e.target as HTMLFormElement).querySelector('select')!);
        if (scope.length === 0) {
          this.error = t('scope_none');
          return;
        }
        void this.#do(() => this.#change(u.name, { scope })).then(() => (this.editing = undefined));
      }}
    >
      ${renderScopeSelect('scope', this.scopes, u.scope ?? [COUNTRY_SCOPE])}
      <button type="submit">${t('saveScope')}</button>
      <button type="button" @click=${() => (this.editing = undefined)}>${t('cancel')}</button>
    </form>`;
  }

  /** Add an account: name, role, scope (the generated password is shown once). */
  #renderAddForm(): TemplateResult {
    return html`<form
      @invalid=${localValidity}
      @input=${clearValidity}
      @change=${clearValidity}
      @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        const form = e.target as HTMLFormElement;
        const data = new FormData(form);
        const scope = data.getAll('scope').map(String);
        if (scope.length === 0) {
          this.error = t('scope_none');
          return;
        }
        void this.#do(() =>
          api('/api/users', { body: { name: String(data.get('name') ?? ''), role: String(data.get('role') ?? 'viewer'), scope } }),
        ).then(() => form.reset());
      }}
    >
      <label
        >${t('username')}<input name="name" required pattern="[a-z0-9][a-z0-9._\\-]{1,31}" data-pattern-message="valid_userName"
      /></label>
      <label
        >${t('role')}<select name="role">
          ${ROLES.map((r) => html`<option value=${r}>${t(`role_${r}` as MessageKey)}</option>`)}
        </select></label
      >
      <label>${t('scope')}${renderScopeSelect('scope', this.scopes, [COUNTRY_SCOPE])}</label>
      <button type="submit">${t('addUser')}</button>
    </form>`;
  }

  protected override render(): TemplateResult {
    return html`<h2>${t('users')}</h2>
      ${this.#renderAddForm()}
      ${
        this.secret
          ? html`<qt-otp-note
              .name=${this.secret.name}
              .password=${this.secret.password}
              @otp-cleared=${() => (this.secret = undefined)}
            ></qt-otp-note>`
          : nothing
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        this.users === undefined
          ? nothing
          : html`<table>
              <thead>
                <tr>
                  <th>${t('username')}</th>
                  <th>${t('role')}</th>
                  <th>${t('scope')}</th>
                  <th>${t('state')}</th>
                  <th>UTC+7</th>
                  <th>${t('actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${this.users.map(
                  (u) =>
                    html`<tr data-user=${u.name}>
                      <td>${u.name}</td>
                      <td>
                        <select
                          ?disabled=${u.name === this.self}
                          @change=${(e: Event) => void this.#do(() => this.#change(u.name, { role: (e.target as HTMLSelectElement).value }))}
                        >
                          ${ROLES.map((r) => html`<option value=${r} ?selected=${u.role === r}>${t(`role_${r}` as MessageKey)}</option>`)}
                        </select>
                      </td>
                      <td data-testid="user-scope">${this.#renderScope(u)}</td>
                      <td>${u.disabled ? t('disabled') : t('enabled')}</td>
                      <td>${formatDateTime(Date.parse(u.updatedAt))}</td>
                      <td>
                        <button
                          type="button"
                          ?disabled=${u.name === this.self}
                          @click=${() => void this.#do(() => this.#change(u.name, { disabled: !u.disabled }))}
                        >
                          ${u.disabled ? t('enable') : t('disable')}
                        </button>
                        <button type="button" @click=${() => void this.#do(() => this.#change(u.name, { resetPassword: true }))}>
                          ${t('resetPassword')}
                        </button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`;
  }

  static override styles = [
    adminFormStyles,
    css`
      :host {
        display: block;
        font-size: 0.9rem;
        /* The accounts table scrolls within the page on a phone, never the page itself. */
        overflow-x: auto;
      }
      button[disabled] {
        opacity: 0.45;
      }
      table {
        border-collapse: collapse;
        background: var(--qt-white);
        min-width: 40rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.4rem 0.6rem;
        border-bottom: 1px solid var(--qt-border-light);
      }
      .error {
        color: var(--qt-critical);
      }
      form.scope {
        margin: 0.25rem 0 0;
        align-items: start;
      }
      button.small {
        padding: 0.1rem 0.4rem;
        font-size: 0.8rem;
        margin-left: 0.4rem;
      }
    `,
  ];
}

customElements.define('qt-users', QtUsers);

declare global {
  interface HTMLElementTagNameMap {
    'qt-users': QtUsers;
  }
}
