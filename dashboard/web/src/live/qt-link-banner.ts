import { css, html, nothing, type TemplateResult } from 'lit';
import { ClockController } from '../clock-controller.js';
import { inputs, QtElement } from '../elements.js';
import { formatClock } from '../format-clock.js';
import { lang, t } from '../i18n/index.js';
import { isLost, type Link } from './connection.js';

/** "26 s", "3 min 5 s", "2 h 10 min" in the page's language, numbers by Intl.NumberFormat. */
export function formatAgo(ms: number): string {
  const n = new Intl.NumberFormat(lang() === 'en' ? 'en' : 'vi', { maximumFractionDigits: 0 });
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return t('link_seconds', { n: n.format(total) });
  if (total < 3600) return t('link_minutes', { m: n.format(Math.floor(total / 60)), s: n.format(total % 60) });
  return t('link_hours', { h: n.format(Math.floor(total / 3600)), m: n.format(Math.floor((total % 3600) / 60)) });
}

/**
 * The banner while the live stream is down or silent: since when the data shown is old (the
 * centre's local time) and for how long, counted every second. It is a status region, read
 * once when it appears; the counting seconds are hidden from screen readers so they are not
 * announced every second.
 */
export class QtLinkBanner extends QtElement {
  static override properties = inputs('link', 'clockOffsetMs');
  declare link: Link | undefined;
  /** Centre clock minus the browser's: the time shown is the centre's. */
  declare clockOffsetMs: number;

  readonly #clock = new ClockController(this, 1_000);

  constructor() {
    super();
    this.link = undefined;
    this.clockOffsetMs = 0;
  }

  protected override render(): TemplateResult | typeof nothing {
    const link = this.link;
    if (link === undefined || !isLost(link) || link.since === undefined) return nothing;
    const at = formatClock(link.since + this.clockOffsetMs);
    const ago = formatAgo(Math.max(this.#clock.now, Date.now()) - link.since);
    const [head] = t(link.kind === 'down' ? 'link_down' : 'link_stale', { at, ago: '\u0000' }).split('\u0000');
    return html`<div class="banner" role="status" data-testid="link-banner" data-kind=${link.kind}>
      <p class="what">${head}<span aria-hidden="true" data-testid="link-ago">${ago}</span></p>
      <p class="hint">${t('link_hint')}</p>
    </div>`;
  }

  static override styles = css`
    :host {
      display: block;
    }
    .banner {
      padding: 0.5rem 1.25rem;
      background: var(--qt-lost-bg);
      color: var(--qt-lost-text);
      border-bottom: 2px solid var(--qt-lost-dot);
    }
    p {
      margin: 0;
    }
    .what {
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .hint {
      font-size: 0.85rem;
    }
  `;
}

customElements.define('qt-link-banner', QtLinkBanner);

declare global {
  interface HTMLElementTagNameMap {
    'qt-link-banner': QtLinkBanner;
  }
}
