import { LitElement, css, html, type TemplateResult } from 'lit';
import { api, ApiError, SESSION_LOST } from './api.js';
import { LangController, t } from './i18n.js';
import './qt-centre.js';
import './qt-login.js';

export interface SessionUser {
  name: string;
  role: 'viewer' | 'operator' | 'admin';
}

/**
 * The page's root: asks the centre who is logged in (`GET /api/me`), then shows the login
 * form or the monitoring centre. A 401 from any call (session expired, logged out
 * elsewhere, account disabled) brings the login form back.
 */
export class QtApp extends LitElement {
  static override properties = { user: { state: true }, checked: { state: true }, notice: { state: true } };
  declare user: SessionUser | undefined;
  declare checked: boolean;
  declare notice: string | undefined;
  readonly #lang = new LangController(this);

  readonly #onLost = (): void => {
    if (this.user !== undefined) this.notice = t('sessionEnded');
    this.user = undefined;
  };

  constructor() {
    super();
    this.user = undefined;
    this.checked = false;
    this.notice = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(SESSION_LOST, this.#onLost);
    void this.#check();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener(SESSION_LOST, this.#onLost);
  }

  async #check(): Promise<void> {
    try {
      const { user } = await api<{ user: SessionUser }>('/api/me');
      this.user = user;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) this.notice = t('loginError', { error: (err as Error).message });
      this.user = undefined;
    }
    this.checked = true;
  }

  protected override render(): TemplateResult {
    void this.#lang;
    if (!this.checked) return html``;
    if (this.user === undefined) {
      return html`<qt-login .notice=${this.notice} @logged-in=${(e: CustomEvent<SessionUser>) => {
        this.notice = undefined;
        this.user = e.detail;
      }}></qt-login>`;
    }
    return html`<qt-centre .user=${this.user} @logged-out=${() => {
      this.user = undefined;
    }}></qt-centre>`;
  }

  static override styles = css`
    :host {
      display: block;
      min-height: 100vh;
    }
  `;
}

customElements.define('qt-app', QtApp);

declare global {
  interface HTMLElementTagNameMap {
    'qt-app': QtApp;
  }
}
