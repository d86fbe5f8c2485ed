import { LitElement, html, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { ReportLimit, ValidityRules } from '../../../../core/index.js';
import { formatFigure } from './format-figure.js';
import { attachPrintPage, detachPrintPage } from './print-page.js';
import { ReportController } from './report-controller.js';
import { reportLabels, type ReportLabels } from './report-labels.js';
import { reportStyles } from './report-styles.js';

/** Where the reports API answers; the page is served by the centre, so the same origin. */
export const REPORTS_API = '/api/reports';

/**
 * What every report page shares: fetching its JSON when its attributes change, the
 * labels (Vietnamese unless `locale="en"`), the validity-rules note, the CSV link, printing.
 */
export abstract class ReportElement<T extends { generatedAt: number; validityRules: ValidityRules }> extends LitElement {
  static override properties: PropertyDeclarations = {
    locale: { type: String },
    api: { type: String },
    rulesOpen: { state: true },
  };

  static override styles = reportStyles;

  /** `vi` (default) or `en`. */
  declare locale: string;
  /** Base of the reports API, `/api/reports` unless told otherwise. */
  declare api: string;
  declare rulesOpen: boolean;

  protected readonly report = new ReportController<T>(this);

  constructor() {
    super();
    this.locale = 'vi';
    this.api = REPORTS_API;
    this.rulesOpen = false;
  }

  protected get labels(): ReportLabels {
    return reportLabels(this.locale);
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
    const t = this.labels;
    const state = this.report.state;
    switch (state.status) {
      case 'idle':
        return html`<p class="notice">${t.missingAttributes}</p>`;
      case 'loading':
        return html`<p class="notice" role="status" aria-busy="true">${t.loading}</p>`;
      case 'error':
        return html`<p class="notice error" role="alert">${t.failed}: ${state.message}
          <button class="no-print" @click=${() => this.report.load(state.url, true)}>${t.retry}</button></p>`;
      case 'ready':
        return this.renderReport(state.report);
    }
  }

  /** Title, facts about the subject, the CSV link and the print button. */
  protected renderHead(title: string, facts: Array<string | TemplateResult>, csvHref: string, generatedAt: number): TemplateResult {
    const t = this.labels;
    return html`<header class="report-head">
      <div>
        <h1>${title}</h1>
        <p class="meta">${facts.map((f) => html`<span>${f}</span>`)}</p>
        <p class="meta"><span>${t.timezone}</span><span>${t.generatedAt} ${formatTime(generatedAt)}</span></p>
      </div>
      <nav class="actions">
        <a href=${csvHref} download data-testid="csv-link">${t.downloadCsv}</a>
        <button type="button" @click=${() => window.print()}>${t.print}</button>
      </nav>
    </header>`;
  }

  /**
   * The label shown wherever the figures are (DOMAIN.md: adopted practice, say so): in both
   * languages, since a report is also read by foreign auditors and lenders.
   */
  protected renderValidityNote(rules: ValidityRules): TemplateResult {
    const t = this.labels;
    const [first, second] = this.locale === 'en' ? [rules.label, rules.labelVi] : [rules.labelVi, rules.label];
    return html`<div class="validity-note" data-testid="validity-note">
      <strong>${capitalise(first)}</strong> (<span lang=${this.locale === 'en' ? 'vi' : 'en'}>${second}</span>)
      <button type="button" aria-expanded=${this.rulesOpen ? 'true' : 'false'} @click=${() => (this.rulesOpen = !this.rulesOpen)}>${t.rulesSummary}</button>
      <ul class=${this.rulesOpen ? 'open' : ''}>${t.validityRules.map((r) => html`<li>${r}</li>`)}</ul>
    </div>`;
  }

  /** A table caption that repeats the label, so a table copied or printed alone keeps it. */
  protected caption(title: string, rules: ValidityRules): TemplateResult {
    return html`<caption>${title} — ${this.locale === 'en' ? rules.label : rules.labelVi}</caption>`;
  }

  protected validityText(valid: boolean | null): string {
    const t = this.labels;
    return valid === null ? t.pending : valid ? t.valid : t.invalid;
  }

  protected limitText(limit: ReportLimit | null): string {
    if (limit === null) return this.labels.noLimit;
    const range = limit.lower !== undefined ? `${formatFigure(limit.lower)}–${formatFigure(limit.max)}` : `≤ ${formatFigure(limit.max)}`;
    return `${range} (${limit.regulation} ${limit.column})`;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "2026-03-10 14:05" in UTC+7, whatever the browser's zone. */
export function formatTime(ms: number): string {
  return new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
