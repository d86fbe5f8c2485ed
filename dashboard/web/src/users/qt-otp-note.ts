import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { inputs, QtElement, states } from '../elements.js';
import { t } from '../i18n/index.js';

/** How long a new account's password stays on screen. */
export const OTP_SHOWN_MS = 60_000;

/**
 * A new account's one-time password, with a copy button and a hide button. It is hidden
 * (`otp-cleared`) after OTP_SHOWN_MS or when dismissed, and goes with the page on navigation,
 * so that it does not stay readable on an unattended screen.
 */
export class QtOtpNote extends QtElement {
  static override properties = { ...inputs('name', 'password'), ...states('copied') };
  declare name: string;
  declare password: string;
  declare copied: 'yes' | 'failed' | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.name = '';
    this.password = '';
    this.copied = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('password')) return;
    this.copied = undefined;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#clear(), OTP_SHOWN_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  #clear(): void {
    clearTimeout(this.#timer);
    this.dispatchEvent(new CustomEvent('otp-cleared', { bubbles: true, composed: true }));
  }

  async #copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.password);
      this.copied = 'yes';
    } catch {
      // No clipboard outside a secure context (plain http on the network): select it instead.
      const code = this.renderRoot.querySelector('code');
      if (code) getSelection()?.selectAllChildren(code);
      this.copied = 'failed';
    }
  }

  protected override render(): TemplateResult {
    return html`<div class="secret" role="status" data-testid="new-password">
      <strong>${t('otp_title', { name: this.name })}</strong>
      <code data-testid="otp">${this.password}</code>
      <button type="button" @click=${() => void this.#copy()} data-testid="otp-copy">${t('otp_copy')}</button>
      <button type="button" @click=${() => this.#clear()} data-testid="otp-dismiss">${t('otp_dismiss')}</button>
      ${this.copied ? html`<span class="copied">${t(this.copied === 'yes' ? 'otp_copied' : 'otp_copyFailed')}</span>` : nothing}
      <small>${t('otp_hint', { s: OTP_SHOWN_MS / 1000 })}</small>
    </div>`;
  }

  static override styles = css`
    .secret {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.4rem 0.75rem;
      margin: 0.5rem 0;
      padding: 0.5rem 0.75rem;
      background: var(--qt-secret-bg);
      border: 1px solid var(--qt-ok);
    }
    code {
      font-size: 1rem;
      user-select: all;
    }
    button {
      font: inherit;
      padding: 0.2rem 0.5rem;
      border-radius: 0.35rem;
      border: 1px solid var(--qt-brand);
      background: var(--qt-white);
      color: var(--qt-brand);
      cursor: pointer;
    }
    small {
      width: 100%;
      color: var(--qt-text-muted);
    }
  `;
}

customElements.define('qt-otp-note', QtOtpNote);

declare global {
  interface HTMLElementTagNameMap {
    'qt-otp-note': QtOtpNote;
  }
}
