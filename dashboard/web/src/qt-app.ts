import { css, html, type TemplateResult } from 'lit';
import { api, ApiError, SESSION_LOST } from './api.js';
import { QtElement, states } from './elements.js';
import { t } from './i18n/index.js';
import type { SessionUser } from './model/session.js';
import { isKioskLocation } from './kiosk/kiosk-session.js';
import './kiosk/qt-kiosk.js';
import './qt-centre.js';
import './qt-login.js';

/** Back-off of `/api/me` while the centre cannot be reached (a restart, a network cut). */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

/** The centre did not answer (network error) or a proxy said it is not there (5xx): not a session question. */
const unreachable = (err: unknown): boolean => !(err instanceof ApiError) || err.status >= 500;

/**
 * The page's root: asks the centre who is logged in (`GET /api/me`), then shows the login
 * form or the monitoring centre. A 401 from any call (session expired, logged out
 * elsewhere, account disabled) brings the login form back. A centre that cannot be reached
 * (restarting, a network cut) is never taken for a session that ended: the page says so and
 * asks again with back-off, so a wall display comes back by itself.
 */
export class QtApp extends QtElement {
  static override properties = states('user', 'checked', 'notice', 'waiting', 'kiosk');
  declare user: SessionUser | undefined;
  declare checked: boolean;
  declare notice: string | undefined;
  /** Why the centre could not be reached, while asking again. */
  declare waiting: string | undefined;
  /** A wall display (kiosk/): it signs itself in and never shows the login form. */
  declare kiosk: boolean;
  #retryMs = RETRY_MIN_MS;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #onLost = (): void => {
    if (this.user !== undefined) this.notice = t('sessionEnded');
    this.user = undefined;
  };

  constructor() {
    super();
    this.user = undefined;
    this.checked = false;
    this.notice = undefined;
    this.waiting = undefined;
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
    clearTimeout(this.#retryTimer);
  }

  async #check(): Promise<void> {
    this.#retryTimer = undefined;
    try {
      const { user, display } = await api<{ user: SessionUser; display?: string }>('/api/me');
      this.user = user;
      this.waiting = undefined;
      this.#retryMs = RETRY_MIN_MS;
      this.kiosk = display !== undefined;
    } catch (err) {
      if (unreachable(err)) {
        // Keep whatever is shown (the centre, or this notice) and ask again later.
        this.waiting = (err as Error).message;
        const delay = this.#retryMs / 2 + (Math.random() * this.#retryMs) / 2;
        this.#retryMs = Math.min(RETRY_MAX_MS, this.#retryMs * 2);
        this.#retryTimer = setTimeout(() => void this.#check(), delay);
      } else {
        if (!(err instanceof ApiError && err.status === 401)) this.notice = t('loginError', { error: (err as Error).message });
        this.user = undefined;
        this.waiting = undefined;
      }
    }
    this.checked = true;
  }

  protected override render(): TemplateResult {
    if (this.kiosk) return html`<qt-kiosk></qt-kiosk>`;
    if (!this.checked) return html``;
    if (this.user === undefined && this.waiting !== undefined)
      return html`<p class="waiting" role="status" data-testid="centre-unreachable">${t('link_unreachable', { error: this.waiting })}</p>`;
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
    .waiting {
      margin: 2rem auto;
      max-width: 40rem;
      padding: 0.75rem 1rem;
      background: var(--qt-lost-bg);
      color: var(--qt-lost-text);
      border-radius: 0.4rem;
    }
  `;
}

customElements.define('qt-app', QtApp);

declare global {
  interface HTMLElementTagNameMap {
    'qt-app': QtApp;
  }
}
