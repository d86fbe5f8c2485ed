import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { ZoneDayReport } from '../../../../core/index.js';
import { formatPercent } from './format-figure.js';
import { ReportElement } from './report-element.js';
import { DAY_COLUMNS, dayFigureCells, reportTable } from './report-tables.js';

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

  #station(s: ZoneDayReport['stations'][number]): TemplateResult {
    return html`<tbody data-station=${s.station.id}>
      <tr class="group">
        <th scope="rowgroup" colspan="12">
          ${s.station.id} — ${s.station.name} · ${s.station.facility} · ${this.text('report_stationAvailability')}:
          <span data-testid="station-availability">${formatPercent(s.availability.availability, this.language)} %</span>
        </th>
      </tr>
      ${s.parameters.map(
        (p) =>
          html`<tr data-parameter=${p.parameter}>
            <th scope="row">${p.parameter}</th>
            <td class="text">${p.unit}</td>
            <td class="text">${this.limitText(p.day.limit)}</td>
            ${dayFigureCells(p.day, p.day.meanExceeds ? 'exceeds' : p.day.valid === false ? 'invalid' : '', this.validityText(p.day.valid), this.language)}
          </tr>`,
      )}
    </tbody>`;
  }

  protected renderReport(r: ZoneDayReport): TemplateResult {
    const facts = [
      `${this.text('report_zone')}: ${r.zone.name} (${r.zone.province})`,
      `${r.stations.length} ${this.text('report_station').toLowerCase()}`,
    ];
    return html`<article data-kind=${r.kind}>
      ${this.renderHead(`${this.text('report_zoneDay')} ${r.date} — ${r.zone.name}`, facts, r.generatedAt)}
      ${this.renderValidityNote(r.validityRules)}
      ${
        r.stations.length === 0
          ? html`<p class="notice">${this.text('report_noStations')}</p>`
          : html`<section>
              ${reportTable(
                'zone',
                this.caption(this.text('report_summary'), r.validityRules),
                DAY_COLUMNS.map((k) => this.text(k)),
                r.stations.map((s) => this.#station(s)),
              )}
            </section>`
      }
    </article>`;
  }
}

customElements.define('qt-report-zone', QtReportZone);

declare global {
  interface HTMLElementTagNameMap {
    'qt-report-zone': QtReportZone;
  }
}
