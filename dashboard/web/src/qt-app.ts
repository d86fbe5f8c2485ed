import { css, html, type TemplateResult } from 'lit';
import { api, ApiError, SESSION_LOST } from './api.js';
import { QtElement, states } from './elements.js';
import { t } from './i18n/index.js';
import type { SessionUser } from './model/session.js';
import { isKioskLocation } from './kiosk/kiosk-session.js';
import './kiosk/qt-kiosk.js';
import './qt-centre.js';
import './qt-login.js';

/**
 * The page's root: asks the centre who is logged in (`GET /api/me`), then shows the login
 * form or the monitoring centre. A 401 from any call (session expired, logged out
 * elsewhere, account disabled) brings the login form back.
 */
export class QtApp extends QtElement {
  static override properties = states('user', 'checked', 'notice', 'kiosk');
  declare user: SessionUser | undefined;
  declare checked: boolean;
  declare notice: string | undefined;
  /** A wall display (kiosk/): it signs itself in and never shows the login form. */
  declare kiosk: boolean;

  readonly #onLost = (): void => {
    if (this.user !== undefined) this.notice = t('sessionEnded');
    this.user = undefined;
  };

  constructor() {
    super();
    this.user = undefined;
    this.checked = false;
    this.notice = undefined;
    this.kiosk = isKioskLocation();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(SESSION_LOST, this.#onLost);
    if (!this.kiosk) void this.#check();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener(SESSION_LOST, this.#onLost);
  }

  async #check(): Promise<void> {
    try {
      const { user, display } = await api<{ user: SessionUser; display?: string }>('/api/me');
      this.user = user;
      this.kiosk = display !== undefined;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) this.notice = t('loginError', { error: (err as Error).message });
      this.user = undefined;
    }
    this.checked = true;
  }

  protected override render(): TemplateResult {
    if (this.kiosk) return html`<qt-kiosk></qt-kiosk>`;
    if (!this.checked) return html``;
    if (this.user === undefined) {
      return html`<qt-login
        .notice=${this.notice}
        @logged-in=${(e: CustomEvent<SessionUser>) => {
          this.notice = undefined;
          this.user = e.detail;
          // The login's answer may not carry the user's scope; /api/me does (the header shows it).
          if (e.detail.scope === undefined) void this.#check();
        }}
      ></qt-login>`;
    }
    return html`<qt-centre
      .user=${this.user}
      @logged-out=${() => {
        this.user = undefined;
      }}
    ></qt-centre>`;
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
