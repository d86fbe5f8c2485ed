import { css, html, type TemplateResult } from 'lit';
import type { Incident } from '../../../../core/index.js';
import { inputs, QtElement, states } from '../elements.js';
import { formatDateTime } from '../format-clock.js';
import { t } from '../i18n/index.js';
import { attachPrintPage, detachPrintPage } from '../reports/print-page.js';
import { reportStyles } from '../reports/report-styles.js';
import { visuallyHiddenStyles } from '../styles/shared.js';
import { href } from '../router.js';
import { renderFacts, renderMembers, renderProjection, renderTimeline } from './incident-sections.js';
import { fetchIncident, titleOf, type Stations } from './incident-view.js';

/**
 * The printable incident report (A4, in the page's language): title, place and times, the
 * members, the timeline, the forecast, cause and note; a print button that paper does not show.
 * Loaded once: a report is what was known when it was made (its time is printed).
 */
export class QtIncidentReport extends QtElement {
  static override properties = { ...inputs('incidentId', 'stations', 'centreNow'), ...states('incident', 'error', 'madeAt') };
  declare incidentId: string;
  declare stations: Stations;
  declare centreNow: number;
  declare incident: Incident | undefined;
  declare error: string | undefined;
  declare madeAt: number;

  constructor() {
    super();
    this.incidentId = '';
    this.stations = new Map();
    this.centreNow = Date.now();
    this.incident = undefined;
    this.error = undefined;
    this.madeAt = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    attachPrintPage();
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    detachPrintPage();
  }

  async #load(): Promise<void> {
    try {
      this.incident = await fetchIncident(this.incidentId);
      this.madeAt = this.centreNow;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  protected override render(): TemplateResult {
    const i = this.incident;
    if (!i)
      return this.error !== undefined
        ? html`<p class="notice error" role="alert">${t('inc_loadError', { error: this.error })}</p>`
        : html`<p class="notice">…</p>`;
    return html`<article data-testid="incident-report" data-incident=${i.id}>
      <header class="report-head">
        <div>
          <h1>${t('inc_reportTitle')}: ${titleOf(i, this.stations)}</h1>
          <p class="meta"><span>${i.id}</span><span>${t('inc_printedAt', { at: formatDateTime(this.madeAt) })}</span></p>
        </div>
        <div class="actions">
          <a href=${href.incident(i.id)}>${t('back')}</a>
          <button type="button" data-testid="inc-print" @click=${() => window.print()}>${t('inc_print')}</button>
        </div>
      </header>
      ${renderFacts(i, this.stations)}
      <section>
        <h2>${t('inc_colProjection')}</h2>
        ${renderProjection(i, this.stations)}
      </section>
      <section>
        <h2>${t('inc_members')}</h2>
        <div class="table-wrap">${renderMembers(i, this.stations, false)}</div>
      </section>
      <section>
        <h2>${t('inc_timeline')}</h2>
        ${renderTimeline(i, this.stations)}
      </section>
    </article>`;
  }

  static override styles = [
    reportStyles,
    visuallyHiddenStyles,
    css`
      dl.facts {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.2rem 1rem;
        margin: 0.5rem 0 1rem;
      }
      dl.facts dt {
        color: var(--qt-text-muted);
      }
      dl.facts dd {
        margin: 0;
      }
      td {
        text-align: left;
      }
      .sev.critical {
        color: var(--qt-critical);
        font-weight: 700;
      }
      .projection {
        padding: 0.3rem 0.5rem;
        border-left: 3px solid var(--qt-stale);
        background: var(--qt-note-bg);
      }
      ol.timeline {
        padding-left: 1.25rem;
      }
      @media print {
        .sev.critical,
        dl.facts dt {
          color: var(--qt-black);
        }
        .projection {
          background: none;
          border-left-color: var(--qt-black);
        }
        ol.timeline li {
          break-inside: avoid;
        }
      }
    `,
  ];
}

customElements.define('qt-incident-report', QtIncidentReport);

declare global {
  interface HTMLElementTagNameMap {
    'qt-incident-report': QtIncidentReport;
  }
}
