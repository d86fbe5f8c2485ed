import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { ZoneDayReport } from '../../../../core/index.js';
import { formatFigure, formatPercent } from './format-figure.js';
import { ReportElement } from './report-element.js';

/** An industrial zone's day: every station's daily figures per parameter (`zone`, `date` YYYY-MM-DD). */
export class QtReportZone extends ReportElement<ZoneDayReport> {
  // Added to ReportElement's (locale, api): Lit merges a subclass's declarations with its base's.
  static override properties: PropertyDeclarations = {
    zone: { type: String },
    date: { type: String },
  };

  declare zone: string;
  declare date: string;

  constructor() {
    super();
    this.zone = '';
    this.date = '';
  }

  protected reportUrl(): string | undefined {
    if (this.zone === '') return undefined;
    const date = this.date === '' ? '' : `?date=${encodeURIComponent(this.date)}`;
    return `${this.api}/zones/${encodeURIComponent(this.zone)}/day${date}`;
  }

  protected renderReport(r: ZoneDayReport): TemplateResult {
    const t = this.labels;
    return html`<article data-kind=${r.kind}>
      ${this.renderHead(`${t.zoneDay} ${r.date} — ${r.zone.name}`, [`${t.zone}: ${r.zone.name} (${r.zone.province})`, `${r.stations.length} ${t.station.toLowerCase()}`], this.csvUrl(this.reportUrl() ?? ''), r.generatedAt)}
      ${this.renderValidityNote(r.validityRules)}
      ${r.stations.length === 0 ? html`<p class="notice">${t.noStations}</p>` : html`<section>
        <div class="table-wrap"><table data-testid="zone">
          ${this.caption(t.summary, r.validityRules)}
          <thead><tr>
            <th scope="col">${t.parameter}</th><th scope="col">${t.unit}</th><th scope="col">${t.limit}</th>
            <th scope="col">${t.count}</th><th scope="col">${t.min}</th><th scope="col">${t.max}</th><th scope="col">${t.dayMean}</th>
            <th scope="col">${t.validHours}</th><th scope="col">${t.invalidHalfHours}</th><th scope="col">${t.validity}</th>
            <th scope="col">${t.availability}</th><th scope="col">${t.exceedances}</th>
          </tr></thead>
          ${r.stations.map((s) => html`<tbody data-station=${s.station.id}>
            <tr class="group"><th scope="rowgroup" colspan="12">
              ${s.station.id} — ${s.station.name} · ${s.station.facility} ·
              ${t.stationAvailability}: <span data-testid="station-availability">${formatPercent(s.availability.availability)} %</span>
            </th></tr>
            ${s.parameters.map((p) => html`<tr data-parameter=${p.parameter}>
              <th scope="row">${p.parameter}</th><td class="text">${p.unit}</td><td class="text">${this.limitText(p.day.limit)}</td>
              <td>${p.day.count}</td><td>${formatFigure(p.day.min)}</td><td>${formatFigure(p.day.max)}</td>
              <td class=${p.day.meanExceeds ? 'exceeds' : p.day.valid === false ? 'invalid' : ''}>${formatFigure(p.day.mean)}</td>
              <td>${p.day.validHours}/24</td><td>${p.day.invalidHalfHours}</td><td class="text">${this.validityText(p.day.valid)}</td>
              <td>${formatPercent(p.day.availability)}</td><td class=${p.day.exceedances > 0 ? 'exceeds' : ''}>${p.day.exceedances}</td>
            </tr>`)}
          </tbody>`)}
        </table></div>
      </section>`}
    </article>`;
  }
}

customElements.define('qt-report-zone', QtReportZone);

declare global {
  interface HTMLElementTagNameMap {
    'qt-report-zone': QtReportZone;
  }
}
