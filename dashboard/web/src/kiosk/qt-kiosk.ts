import { css, html, type TemplateResult } from 'lit';
import { SESSION_LOST } from '../api.js';
import { QtElement, states } from '../elements.js';
import { t } from '../i18n/index.js';
import { setThemeMode } from '../theme.js';
import { forgetToken, signIn, takeKioskToken } from './kiosk-session.js';
import './qt-kiosk-board.js';

type Phase = 'starting' | 'ready' | 'unauthorised' | 'error';

/** After the centre could not be reached, the display tries again this often. */
const RETRY_MS = 5_000;

/**
 * The wall display (kiosk mode): signs in with its display token (kiosk-session.ts), then shows
 * the rotating board. It never shows a login form: a display the centre no longer knows shows
 * a plain "no longer authorised" screen; a centre it cannot reach, a notice while it retries.
 * When the session ends (a restart, an expiry) it signs in again with the token kept for the
 * tab. The dark palette is set on <html> (theme.ts), so every reused view follows it.
 */
export class QtKiosk extends QtElement {
  static override properties = states('phase', 'error');
  declare phase: Phase;
  declare error: string;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #fresh: string | undefined;

  readonly #onLost = (): void => {
    if (this.phase !== 'ready') return;
    this.phase = 'starting';
    void this.#start();
  };

  constructor() {
    super();
    this.phase = 'starting';
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    setThemeMode('dark');
    window.addEventListener(SESSION_LOST, this.#onLost);
    this.#fresh = takeKioskToken();
    void this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener(SESSION_LOST, this.#onLost);
    clearTimeout(this.#retry);
    setThemeMode('light');
  }

  async #start(): Promise<void> {
    clearTimeout(this.#retry);
    const fresh = this.#fresh;
    this.#fresh = undefined;
    try {
      const verdict = await signIn(fresh);
      if (verdict === 'refused') {
        forgetToken();
        this.phase = 'unauthorised';
        return;
      }
      this.phase = 'ready';
    } catch (err) {
      // Not refused, just unreachable: keep the URL's token for the next try.
      this.#fresh = fresh;
      this.error = (err as Error).message;
      this.phase = 'error';
      this.#retry = setTimeout(() => void this.#start(), RETRY_MS);
    }
  }

  protected override render(): TemplateResult {
    switch (this.phase) {
      case 'ready':
        return html`<qt-kiosk-board></qt-kiosk-board>`;
      case 'unauthorised':
        return html`<section class="screen" data-testid="kiosk-unauthorised" role="alert">
          <h1>${t('kiosk_unauthorised_title')}</h1>
          <p>${t('kiosk_unauthorised_text')}</p>
        </section>`;
      case 'error':
        return html`<p class="screen" data-testid="kiosk-error" role="status">${t('kiosk_error', { error: this.error })}</p>`;
      default:
        return html`<p class="screen" role="status">${t('kiosk_starting')}</p>`;
    }
  }

  static override styles = css`
    :host {
      display: block;
      min-height: 100vh;
      background: var(--qt-page);
      color: var(--qt-text);
    }
    .screen {
      max-width: 48rem;
      margin: 0 auto;
      padding: 30vh 2rem 0;
      text-align: center;
      font-size: 1.5rem;
    }
    h1 {
      font-size: 2.25rem;
      margin: 0 0 1rem;
    }
  `;
}

customElements.define('qt-kiosk', QtKiosk);

declare global {
  interface HTMLElementTagNameMap {
    'qt-kiosk': QtKiosk;
  }
}
