import { LitElement, html, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { ReportLimit, ValidityRules } from '../../../../core/index.js';
import { LangController, lang, t, type Lang, type MessageKey } from '../i18n/index.js';
import { formatFigure } from './format-figure.js';
import { formatDateTime } from '../format-clock.js';
import { attachPrintPage, detachPrintPage } from './print-page.js';
import { ReportController } from './report-controller.js';
import { reportStyles } from './report-styles.js';

/** Where the reports API answers; the page is served by the centre, so the same origin. */
export const REPORTS_API = '/api/reports';

const RULES: MessageKey[] = [
  'report_rule1',
  'report_rule2',
  'report_rule3',
  'report_rule4',
  'report_rule5',
  'report_rule6',
  'report_rule7',
];

/**
 * What every report page shares: fetching its JSON when its attributes change, the texts
 * (`locale="vi"` or `"en"`; without it, the page's language), the validity-rules note, the
 * CSV link, printing.
 */
export abstract class ReportElement<T extends { generatedAt: number; validityRules: ValidityRules }> extends LitElement {
  static override properties: PropertyDeclarations = {
    locale: { type: String },
    api: { type: String },
    rulesOpen: { state: true },
  };

  static override styles = reportStyles;

  /** `vi` or `en`; unset: the page's language. */
  declare locale: string | undefined;
  /** Base of the reports API, `/api/reports` unless told otherwise. */
  declare api: string;
  declare rulesOpen: boolean;

  protected readonly report = new ReportController<T>(this);

  constructor() {
    super();
    new LangController(this);
    this.locale = undefined;
    this.api = REPORTS_API;
    this.rulesOpen = false;
  }

  /** The language the report is written in. */
  protected get language(): Lang {
    return this.locale === 'en' ? 'en' : this.locale === 'vi' ? 'vi' : lang();
  }

  /** A text of the report in its language. */
  protected text(key: MessageKey): string {
    return t(key, {}, this.language);
  }

  /** The JSON URL for the current attributes, or undefined when some are missing. */
  protected abstract reportUrl(): string | undefined;
  protected abstract renderReport(report: T): TemplateResult;

  override connectedCallback(): void {
    super.connectedCallback();
    attachPrintPage();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    detachPrintPage();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.report.load(this.reportUrl());
  }

  protected csvUrl(url: string): string {
    return `${url}${url.includes('?') ? '&' : '?'}format=csv`;
  }

  protected override render(): TemplateResult {
    const state = this.report.state;
    switch (state.status) {
      case 'idle':
        return html`<p class="notice">${this.text('report_missingAttributes')}</p>`;
      case 'loading':
        return html`<p class="notice" role="status" aria-busy="true">${this.text('report_loading')}</p>`;
      case 'error':
        return html`<p class="notice error" role="alert">
          ${this.text('report_failed')}: ${state.message}
          <button class="no-print" @click=${() => this.report.load(state.url, true)}>${this.text('report_retry')}</button>
        </p>`;
      case 'ready':
        return this.renderReport(state.report);
    }
  }

  /** Title, facts about the subject, the CSV link and the print button. */
  protected renderHead(title: string, facts: Array<string | TemplateResult>, generatedAt: number): TemplateResult {
    return html`<header class="report-head">
      <div>
        <h1>${title}</h1>
        <p class="meta">${facts.map((f) => html`<span>${f}</span>`)}</p>
        <p class="meta">
          <span>${this.text('report_timezone')}</span><span>${this.text('report_generatedAt')} ${formatDateTime(generatedAt)}</span>
        </p>
      </div>
      <nav class="actions">
        <a href=${this.csvUrl(this.reportUrl() ?? '')} download data-testid="csv-link">${this.text('report_downloadCsv')}</a>
        <button type="button" @click=${() => window.print()}>${this.text('report_print')}</button>
      </nav>
    </header>`;
  }

  /**
   * The label shown wherever the figures are (docs/DOMAIN.md: adopted practice, say so): in both
   * languages, since a report is also read by foreign auditors and lenders.
   */
  protected renderValidityNote(rules: ValidityRules): TemplateResult {
    const en = this.language === 'en';
    const [first, second] = en ? [rules.label, rules.labelVi] : [rules.labelVi, rules.label];
    return html`<div class="validity-note" data-testid="validity-note">
      <strong>${capitalise(first)}</strong> (<span lang=${en ? 'vi' : 'en'}>${second}</span>)
      <button type="button" aria-expanded=${this.rulesOpen ? 'true' : 'false'} @click=${() => (this.rulesOpen = !this.rulesOpen)}>
        ${this.text('report_rulesSummary')}
      </button>
      <ul class=${this.rulesOpen ? 'open' : ''}>
        ${RULES.map((r) => html`<li>${this.text(r)}</li>`)}
      </ul>
    </div>`;
  }

  /** A table caption that repeats the label, so a table copied or printed alone keeps it. */
  protected caption(title: string, rules: ValidityRules): TemplateResult {
    return html`<caption>
      ${title} — ${this.language === 'en' ? rules.label : rules.labelVi}
    </caption>`;
  }

  protected validityText(valid: boolean | null): string {
    return this.text(valid === null ? 'report_pending' : valid ? 'report_valid' : 'report_invalid');
  }

  protected limitText(limit: ReportLimit | null): string {
    if (limit === null) return this.text('report_noLimit');
    const range =
      limit.lower !== undefined
        ? `${formatFigure(limit.lower, this.language)}–${formatFigure(limit.max, this.language)}`
        : `≤ ${formatFigure(limit.max, this.language)}`;
    return `${range} (${limit.regulation} ${limit.column})`;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
