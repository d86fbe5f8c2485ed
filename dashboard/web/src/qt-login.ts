import { css, html, nothing, type TemplateResult } from 'lit';
import { QtElement } from './elements.js';
import { api, ApiError } from './api.js';
import { lang, setLang, t } from './i18n/index.js';
import { clearValidity, localValidity } from './form-validity.js';
import type { SessionUser } from './model/session.js';

/** The login form: POST /api/login sets the HttpOnly session cookie; the page never sees the token. */
export class QtLogin extends QtElement {
  static override properties = { notice: { attribute: false }, error: { state: true }, busy: { state: true } };
  declare notice: string | undefined;
  declare error: string | undefined;
  declare busy: boolean;

  constructor() {
    super();
    this.notice = undefined;
    this.error = undefined;
    this.busy = false;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.error = undefined;
    try {
      const { user } = await api<{ user: SessionUser }>('/api/login', {
        body: { username: String(data.get('username') ?? ''), password: String(data.get('password') ?? '') },
      });
      form.reset();
      this.dispatchEvent(new CustomEvent('logged-in', { detail: user, bubbles: true, composed: true }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.error = t('loginFailed');
      else if (err instanceof ApiError && err.status === 429) this.error = t('loginThrottled');
      else this.error = t('loginError', { error: (err as Error).message });
    } finally {
      this.busy = false;
    }
  }

  protected override render(): TemplateResult {
    return html`<main>
      <form @submit=${(e: SubmitEvent) => void this.#submit(e)} @invalid=${localValidity} @input=${clearValidity} data-testid="login-form">
        <h1>${t('loginTitle')}</h1>
        ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
        <label>${t('username')}<input name="username" autocomplete="username" required autofocus /></label>
        <label>${t('password')}<input name="password" type="password" autocomplete="current-password" required /></label>
        ${this.error ? html`<p class="error" role="alert" data-testid="login-error">${this.error}</p>` : nothing}
        <button type="submit" ?disabled=${this.busy}>${t('login')}</button>
        <button type="button" class="lang" @click=${() => setLang(lang() === 'vi' ? 'en' : 'vi')}>${t('language')}</button>
      </form>
    </main>`;
  }

  static override styles = css`
    main {
      min-height: 100vh;
      display: grid;
      place-items: center;
      background: linear-gradient(160deg, var(--qt-brand), var(--qt-link));
    }
    form {
      width: min(22rem, 90vw);
      display: grid;
      gap: 0.9rem;
      padding: 1.75rem;
      border-radius: 0.75rem;
      background: var(--qt-white);
      box-shadow: 0 10px 30px var(--qt-shadow);
    }
    h1 {
      margin: 0 0 0.25rem;
      font-size: 1.2rem;
      color: var(--qt-brand);
    }
    label {
      display: grid;
      gap: 0.3rem;
      font-size: 0.85rem;
      color: var(--qt-text-strong);
    }
    input {
      font: inherit;
      padding: 0.5rem 0.6rem;
      border: 1px solid var(--qt-border);
      border-radius: 0.4rem;
    }
    button[type='submit'] {
      font: inherit;
      padding: 0.55rem;
      border: 0;
      border-radius: 0.4rem;
      background: var(--qt-brand);
      color: var(--qt-white);
      font-weight: 600;
      cursor: pointer;
    }
    button[disabled] {
      opacity: 0.6;
    }
    .lang {
      justify-self: end;
      font: inherit;
      font-size: 0.8rem;
      background: none;
      border: 0;
      color: var(--qt-link);
      cursor: pointer;
    }
    .error {
      margin: 0;
      color: var(--qt-critical);
      font-size: 0.9rem;
    }
    .notice {
      margin: 0;
      color: var(--qt-near-text);
      font-size: 0.9rem;
    }
  `;
}

customElements.define('qt-login', QtLogin);

declare global {
  interface HTMLElementTagNameMap {
    'qt-login': QtLogin;
  }
}
