import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { DayFigures, HourFigures, ReportStation, StationDayReport, StationMonthReport } from '../../../../core/index.js';
import { formatFigure, formatPercent } from './format-figure.js';
import { ReportElement } from './report-element.js';

type StationReport = StationDayReport | StationMonthReport;

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
    const t = this.labels;
    const title = r.kind === 'station-day' ? `${t.stationDay} ${r.date}` : `${t.stationMonth} ${r.month}`;
    return html`<article data-kind=${r.kind}>
      ${this.renderHead(`${title} — ${r.station.name}`, stationFacts(r.station, t), this.csvUrl(this.reportUrl() ?? ''), r.generatedAt)}
      ${this.renderValidityNote(r.validityRules)}
      <p class="meta"><span>${t.stationAvailability}: <strong data-testid="station-availability">${formatPercent(r.availability.availability)} %</strong>
        (${r.availability.received}/${r.availability.expected})</span></p>
      ${r.kind === 'station-day' ? this.#day(r) : this.#month(r)}
      <p class="legend">${t.legend}</p>
    </article>`;
  }

  #day(r: StationDayReport): TemplateResult {
    const t = this.labels;
    return html`<section>
        <h2>${t.summary}</h2>
        <div class="table-wrap"><table data-testid="summary">
          ${this.caption(t.summary, r.validityRules)}
          <thead><tr>
            <th scope="col">${t.parameter}</th><th scope="col">${t.unit}</th><th scope="col">${t.limit}</th>
            <th scope="col">${t.count}</th><th scope="col">${t.min}</th><th scope="col">${t.max}</th><th scope="col">${t.dayMean}</th>
            <th scope="col">${t.validHours}</th><th scope="col">${t.invalidHalfHours}</th><th scope="col">${t.validity}</th>
            <th scope="col">${t.availability}</th><th scope="col">${t.exceedances}</th>
          </tr></thead>
          <tbody>${r.parameters.map((p) => html`<tr data-parameter=${p.parameter}>
            <th scope="row">${p.parameter} <small>${this.locale === 'en' ? p.name : p.nameVi}</small></th>
            <td class="text">${p.unit}</td><td class="text">${this.limitText(p.day.limit)}</td>
            ${this.#dayCells(p.day)}
          </tr>`)}</tbody>
        </table></div>
      </section>
      <section>
        <h2>${t.hourly}</h2>
        <div class="table-wrap"><table data-testid="hourly">
          ${this.caption(t.hourly, r.validityRules)}
          <thead><tr><th scope="col">${t.hour}</th>${r.parameters.map((p) => html`<th scope="col">${p.parameter}<br /><small>${p.unit}</small></th>`)}</tr></thead>
          <tbody>${r.parameters[0]?.hours.map((h, i) => html`<tr data-hour=${h.hour}>
            <th scope="row">${h.hour}</th>
            ${r.parameters.map((p) => hourCell(p.hours[i]!))}
          </tr>`)}</tbody>
        </table></div>
      </section>
      ${r.parameters.map((p) => html`<section class="detail" data-parameter=${p.parameter}>
        <h2>${t.hourDetail}: ${p.parameter} (${p.unit})</h2>
        <div class="table-wrap"><table>
          ${this.caption(`${t.hourDetail}: ${p.parameter}`, r.validityRules)}
          <thead><tr>
            <th scope="col">${t.hour}</th><th scope="col">${t.count}</th><th scope="col">${t.min}</th><th scope="col">${t.max}</th>
            <th scope="col">${t.mean}</th><th scope="col">${t.quarters}</th><th scope="col">${t.validity}</th>
            <th scope="col">${t.availability}</th><th scope="col">${t.exceedances}</th>
          </tr></thead>
          <tbody>${p.hours.map((h) => html`<tr class=${rowClass(h.valid, h.exceeds)}>
            <th scope="row">${h.hour}</th><td>${h.count}</td><td>${formatFigure(h.min)}</td><td>${formatFigure(h.max)}</td>
            <td>${formatFigure(h.mean)}</td><td>${h.quarters}/4</td><td class="text">${this.validityText(h.valid)}</td>
            <td>${formatPercent(h.availability)}</td><td>${h.exceeds ? 1 : 0}</td>
          </tr>`)}</tbody>
        </table></div>
      </section>`)}`;
  }

  #month(r: StationMonthReport): TemplateResult {
    const t = this.labels;
    return html`<section>
        <h2>${t.summary}</h2>
        <div class="table-wrap"><table data-testid="summary">
          ${this.caption(t.summary, r.validityRules)}
          <thead><tr>
            <th scope="col">${t.parameter}</th><th scope="col">${t.unit}</th>
            <th scope="col">${t.count}</th><th scope="col">${t.min}</th><th scope="col">${t.max}</th><th scope="col">${t.monthMean}</th>
            <th scope="col">${t.validDays}</th><th scope="col">${t.availability}</th><th scope="col">${t.exceedances}</th>
          </tr></thead>
          <tbody>${r.parameters.map((p) => html`<tr data-parameter=${p.parameter}>
            <th scope="row">${p.parameter} <small>${this.locale === 'en' ? p.name : p.nameVi}</small></th>
            <td class="text">${p.unit}</td>
            <td>${p.month.count}</td><td>${formatFigure(p.month.min)}</td><td>${formatFigure(p.month.max)}</td><td>${formatFigure(p.month.mean)}</td>
            <td>${p.month.validDays}/${p.days.length}</td><td>${formatPercent(p.month.availability)}</td><td>${p.month.exceedances}</td>
          </tr>`)}</tbody>
        </table></div>
      </section>
      <section>
        <h2>${t.daily}</h2>
        <div class="table-wrap"><table data-testid="daily">
          ${this.caption(t.daily, r.validityRules)}
          <thead><tr>
            <th scope="col">${t.date}</th>
            ${r.parameters.map((p) => html`<th scope="col">${p.parameter}<br /><small>${p.unit}</small></th>`)}
            <th scope="col">${t.availability}</th><th scope="col">${t.exceedances}</th>
          </tr></thead>
          <tbody>${r.days.map((d, i) => html`<tr data-date=${d.date}>
            <th scope="row">${d.date}</th>
            ${r.parameters.map((p) => dayCell(p.days[i]!))}
            <td>${formatPercent(d.availability)}</td>
            <td>${r.parameters.reduce((a, p) => a + p.days[i]!.exceedances, 0)}</td>
          </tr>`)}</tbody>
        </table></div>
      </section>`;
  }

  #dayCells(d: DayFigures): TemplateResult {
    return html`<td>${d.count}</td><td>${formatFigure(d.min)}</td><td>${formatFigure(d.max)}</td>
      <td class=${rowClass(d.valid, d.meanExceeds)}>${formatFigure(d.mean)}</td>
      <td>${d.validHours}/24</td><td>${d.invalidHalfHours}</td><td class="text">${this.validityText(d.valid)}</td>
      <td>${formatPercent(d.availability)}</td><td class=${d.exceedances > 0 ? 'exceeds' : ''}>${d.exceedances}</td>`;
  }
}

export function stationFacts(s: ReportStation, t: { station: string; facility: string; zone: string; interval: string; seconds: string }): string[] {
  return [`${t.station} ${s.id}`, `${t.facility}: ${s.facility}`, `${t.zone}: ${s.zoneName} (${s.province})`, `${t.interval}: ${s.intervalS} ${t.seconds}`];
}

function rowClass(valid: boolean | null, exceeds: boolean): string {
  return [valid === false ? 'invalid' : valid === null ? 'pending' : '', exceeds ? 'exceeds' : ''].join(' ').trim();
}

/** An average with its marks: * invalid, ▲ outside the limit, … not over yet. */
function mark(mean: number | null, valid: boolean | null, exceeds: boolean): string {
  if (mean === null) return '—';
  return `${formatFigure(mean)}${valid === false ? '*' : ''}${exceeds ? ' ▲' : ''}${valid === null ? ' …' : ''}`;
}

function hourCell(h: HourFigures): TemplateResult {
  return html`<td class=${rowClass(h.valid, h.exceeds)} data-valid=${String(h.valid)}>${mark(h.mean, h.valid, h.exceeds)}</td>`;
}

function dayCell(d: DayFigures): TemplateResult {
  return html`<td class=${rowClass(d.valid, d.meanExceeds)} data-valid=${String(d.valid)}>${mark(d.mean, d.valid, d.meanExceeds)}${d.exceedances > 0 ? html` <small>(${d.exceedances}▲)</small>` : ''}</td>`;
}

customElements.define('qt-report-station', QtReportStation);

declare global {
  interface HTMLElementTagNameMap {
    'qt-report-station': QtReportStation;
  }
}
