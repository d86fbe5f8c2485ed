import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { ReportStation, StationDayReport, StationMonthReport } from '../../../../core/index.js';
import type { MessageKey } from '../i18n/index.js';
import { formatNumber } from '../number-format.js';
import { formatFigure, formatPercent } from './format-figure.js';
import { ReportElement } from './report-element.js';
import { DAY_COLUMNS, dayCell, dayFigureCells, hourCell, parameterHead, reportTable, rowClass } from './report-tables.js';

type StationReport = StationDayReport | StationMonthReport;
type Rules = StationReport['validityRules'];

const HOUR_COLUMNS: MessageKey[] = [
  'report_hour',
  'report_count',
  'report_min',
  'report_max',
  'report_mean',
  'report_quarters',
  'report_validity',
  'report_availability',
  'report_exceedances',
];
const MONTH_COLUMNS: MessageKey[] = [
  'report_parameter',
  'report_unit',
  'report_count',
  'report_min',
  'report_max',
  'report_monthMean',
  'report_validDays',
  'report_availability',
  'report_exceedances',
];

/**
 * A station's compliance report: `period="day"` with `date="YYYY-MM-DD"` (hourly averages),
 * or `period="month"` with `date="YYYY-MM"` (daily averages). Without a date, today / this
 * month (the centre's clock, UTC+7).
 */
export class QtReportStation extends ReportElement<StationReport> {
  // Added to ReportElement's (locale, api): Lit merges a subclass's declarations with its base's.
  static override properties: PropertyDeclarations = {
    station: { type: String },
    period: { type: String },
    date: { type: String },
  };

  declare station: string;
  declare period: string;
  declare date: string;

  constructor() {
    super();
    this.station = '';
    this.period = 'day';
    this.date = '';
  }

  protected reportUrl(): string | undefined {
    if (this.station === '') return undefined;
    const period = this.period === 'month' ? 'month' : 'day';
    // A month report asked with a day ("2026-03-10") means that day's month.
    const value = period === 'month' ? this.date.slice(0, 7) : this.date;
    const date = value === '' ? '' : `?date=${encodeURIComponent(value)}`;
    return `${this.api}/stations/${encodeURIComponent(this.station)}/${period}${date}`;
  }

  protected renderReport(r: StationReport): TemplateResult {
    const title =
      r.kind === 'station-day' ? `${this.text('report_stationDay')} ${r.date}` : `${this.text('report_stationMonth')} ${r.month}`;
    return html`<article data-kind=${r.kind}>
      ${this.renderHead(`${title} — ${r.station.name}`, this.#facts(r.station), r.generatedAt)} ${this.renderValidityNote(r.validityRules)}
      <p class="meta">
        <span
          >${this.text('report_stationAvailability')}:
          <strong data-testid="station-availability">${formatPercent(r.availability.availability, this.language)} %</strong>
          (${r.availability.received}/${r.availability.expected})</span
        >
      </p>
      ${r.kind === 'station-day' ? this.#day(r) : this.#month(r)}
      <p class="legend">${this.text('report_legend')}</p>
    </article>`;
  }

  #facts(s: ReportStation): string[] {
    const x = (key: MessageKey): string => this.text(key);
    return [
      `${x('report_station')} ${s.id}`,
      `${x('report_facility')}: ${s.facility}`,
      `${x('report_zone')}: ${s.zoneName} (${s.province})`,
      `${x('report_interval')}: ${s.intervalS} ${x('report_seconds')}`,
    ];
  }

  /** A titled section holding one table. */
  #section(titleKey: MessageKey, testid: string, head: Array<string | TemplateResult>, body: unknown, rules: Rules): TemplateResult {
    const title = this.text(titleKey);
    return html`<section>
      <h2>${title}</h2>
      ${reportTable(testid, this.caption(title, rules), head, body)}
    </section>`;
  }

  #name(p: { name?: string; nameVi?: string }): string | undefined {
    return this.language === 'en' ? p.name : p.nameVi;
  }

  #day(r: StationDayReport): TemplateResult {
    const summary = r.parameters.map(
      (p) =>
        html`<tr data-parameter=${p.parameter}>
          <th scope="row">${p.parameter} <small>${this.#name(p)}</small></th>
          <td class="text">${p.unit}</td>
          <td class="text">${this.limitText(p.day.limit)}</td>
          ${dayFigureCells(p.day, rowClass(p.day.valid, p.day.meanExceeds), this.validityText(p.day.valid), this.language)}
        </tr>`,
    );
    const hourly = r.parameters[0]?.hours.map(
      (h, i) =>
        html`<tr data-hour=${h.hour}>
          <th scope="row">${h.hour}</th>
          ${r.parameters.map((p) => hourCell(p.hours[i]!, this.language))}
        </tr>`,
    );
    return html`${this.#section(
      'report_summary',
      'summary',
      DAY_COLUMNS.map((k) => this.text(k)),
      html`<tbody>
        ${summary}
      </tbody>`,
      r.validityRules,
    )}
    ${this.#section(
      'report_hourly',
      'hourly',
      [this.text('report_hour'), ...r.parameters.map(parameterHead)],
      html`<tbody>
        ${hourly}
      </tbody>`,
      r.validityRules,
    )}
    ${r.parameters.map((p) => this.#hourDetail(p, r.validityRules))}`;
  }

  #hourDetail(p: StationDayReport['parameters'][number], rules: Rules): TemplateResult {
    const title = `${this.text('report_hourDetail')}: ${p.parameter}`;
    const rows = p.hours.map(
      (h) =>
        html`<tr class=${rowClass(h.valid, h.exceeds)}>
          <th scope="row">${h.hour}</th>
          <td>${formatNumber(h.count, this.language)}</td>
          <td>${formatFigure(h.min, this.language)}</td>
          <td>${formatFigure(h.max, this.language)}</td>
          <td>${formatFigure(h.mean, this.language)}</td>
          <td>${h.quarters}/4</td>
          <td class="text">${this.validityText(h.valid)}</td>
          <td>${formatPercent(h.availability, this.language)}</td>
          <td>${h.exceeds ? 1 : 0}</td>
        </tr>`,
    );
    return html`<section class="detail" data-parameter=${p.parameter}>
      <h2>${title} (${p.unit})</h2>
      ${reportTable(
        undefined,
        this.caption(title, rules),
        HOUR_COLUMNS.map((k) => this.text(k)),
        html`<tbody>
          ${rows}
        </tbody>`,
      )}
    </section>`;
  }

  #month(r: StationMonthReport): TemplateResult {
    const summary = r.parameters.map(
      (p) =>
        html`<tr data-parameter=${p.parameter}>
          <th scope="row">${p.parameter} <small>${this.#name(p)}</small></th>
          <td class="text">${p.unit}</td>
          <td>${formatNumber(p.month.count, this.language)}</td>
          <td>${formatFigure(p.month.min, this.language)}</td>
          <td>${formatFigure(p.month.max, this.language)}</td>
          <td>${formatFigure(p.month.mean, this.language)}</td>
          <td>${p.month.validDays}/${p.days.length}</td>
          <td>${formatPercent(p.month.availability, this.language)}</td>
          <td>${p.month.exceedances}</td>
        </tr>`,
    );
    const daily = r.days.map(
      (d, i) =>
        html`<tr data-date=${d.date}>
          <th scope="row">${d.date}</th>
          ${r.parameters.map((p) => dayCell(p.days[i]!, this.language))}
          <td>${formatPercent(d.availability, this.language)}</td>
          <td>${r.parameters.reduce((a, p) => a + p.days[i]!.exceedances, 0)}</td>
        </tr>`,
    );
    const dailyHead = [
      this.text('report_date'),
      ...r.parameters.map(parameterHead),
      this.text('report_availability'),
      this.text('report_exceedances'),
    ];
    return html`${this.#section(
      'report_summary',
      'summary',
      MONTH_COLUMNS.map((k) => this.text(k)),
      html`<tbody>
        ${summary}
      </tbody>`,
      r.validityRules,
    )}
    ${this.#section(
      'report_daily',
      'daily',
      dailyHead,
      html`<tbody>
        ${daily}
      </tbody>`,
      r.validityRules,
    )}`;
  }
}

customElements.define('qt-report-station', QtReportStation);

declare global {
  interface HTMLElementTagNameMap {
    'qt-report-station': QtReportStation;
  }
}
