import { html, nothing, type TemplateResult } from 'lit';
import type { DayFigures, HourFigures } from '../../../../core/index.js';
import type { Lang, MessageKey } from '../i18n/index.js';
import { formatNumber } from '../number-format.js';
import { formatFigure, formatPercent } from './format-figure.js';

/** The columns of a day's figures per parameter: a station's day summary and the zone's table. */
export const DAY_COLUMNS: MessageKey[] = [
  'report_parameter',
  'report_unit',
  'report_limit',
  'report_count',
  'report_min',
  'report_max',
  'report_dayMean',
  'report_validHours',
  'report_invalidHalfHours',
  'report_validity',
  'report_availability',
  'report_exceedances',
];

/** A scrollable table (on screen; whole on paper) with its caption, head row and body. */
export function reportTable(
  testid: string | undefined,
  caption: TemplateResult,
  head: Array<string | TemplateResult>,
  body: unknown,
): TemplateResult {
  // Focusable: a table wider than the screen scrolls sideways, which a keyboard must reach too.
  return html`<div class="table-wrap" tabindex="0">
    <table data-testid=${testid ?? nothing}>
      ${caption}
      <thead>
        <tr>
          ${head.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      ${body}
    </table>
  </div>`;
}

/** A parameter's column head: symbol over unit. */
export const parameterHead = (p: { parameter: string; unit: string }): TemplateResult => html`${p.parameter}<br /><small>${p.unit}</small>`;

/** The classes of a figure: invalid (grey), not over yet, outside the limit. */
export function rowClass(valid: boolean | null, exceeds: boolean): string {
  return [valid === false ? 'invalid' : valid === null ? 'pending' : '', exceeds ? 'exceeds' : ''].join(' ').trim();
}

/** An average with its marks: * invalid, ▲ outside the limit, … not over yet. */
function mark(mean: number | null, valid: boolean | null, exceeds: boolean, language: Lang): string {
  if (mean === null) return '—';
  return `${formatFigure(mean, language)}${valid === false ? '*' : ''}${exceeds ? ' ▲' : ''}${valid === null ? ' …' : ''}`;
}

export function hourCell(h: HourFigures, language: Lang): TemplateResult {
  return html`<td class=${rowClass(h.valid, h.exceeds)} data-valid=${String(h.valid)}>${mark(h.mean, h.valid, h.exceeds, language)}</td>`;
}

export function dayCell(d: DayFigures, language: Lang): TemplateResult {
  const count = d.exceedances > 0 ? html` <small>(${d.exceedances}▲)</small>` : '';
  return html`<td class=${rowClass(d.valid, d.meanExceeds)} data-valid=${String(d.valid)}>
    ${mark(d.mean, d.valid, d.meanExceeds, language)}${count}
  </td>`;
}

/** A day's figures after the limit column: count, min, max, mean (in `meanClass`), validity, availability, exceedances. */
export function dayFigureCells(d: DayFigures, meanClass: string, validity: string, language: Lang): TemplateResult {
  return html`<td>${formatNumber(d.count, language)}</td>
    <td>${formatFigure(d.min, language)}</td>
    <td>${formatFigure(d.max, language)}</td>
    <td class=${meanClass}>${formatFigure(d.mean, language)}</td>
    <td>${d.validHours}/24</td>
    <td>${d.invalidHalfHours}</td>
    <td class="text">${validity}</td>
    <td>${formatPercent(d.availability, language)}</td>
    <td class=${d.exceedances > 0 ? 'exceeds' : ''}>${formatNumber(d.exceedances, language)}</td>`;
}
