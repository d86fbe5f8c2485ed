import { html, nothing, type TemplateResult } from 'lit';
import type { Reading } from '../../../../core/index.js';
import '../chart/qt-history-chart.js';
import type { ChartRange } from '../chart/history-series.js';
import { fromLocalInput, toLocalInput } from '../format-clock.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { StationParameter } from './parameter-card.js';

const RANGES: ChartRange[] = ['live', '1h', '24h', '7d', 'custom'];

/** What the chart section shows and how it reports the user's choices. */
export interface ChartSection {
  station: string;
  intervalS: number;
  parameter: StationParameter;
  live: Reading | undefined;
  range: ChartRange;
  custom: { from: number; to: number };
  onRange(range: ChartRange): void;
  onCustom(span: { from: number; to: number }): void;
}

function renderCustomForm(s: ChartSection): TemplateResult {
  return html`<form
    class="custom"
    @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      const data = new FormData(e.target as HTMLFormElement);
      const from = fromLocalInput(String(data.get('from')));
      const to = fromLocalInput(String(data.get('to')));
      if (from !== undefined && to !== undefined && from < to) s.onCustom({ from, to });
    }}
  >
    <label>${t('from')} <input type="datetime-local" name="from" .value=${toLocalInput(s.custom.from)} /></label>
    <label>${t('to')} <input type="datetime-local" name="to" .value=${toLocalInput(s.custom.to)} /></label>
    <button type="submit">${t('apply')}</button> <small>UTC+7</small>
  </form>`;
}

/** The charted parameter: range buttons (a chosen range in UTC+7), then its chart. */
export function renderChartSection(s: ChartSection): TemplateResult {
  const p = s.parameter;
  const custom = s.range === 'custom';
  return html`<section class="chart">
    <div class="chart-head">
      <h3>${t('chart')}: ${p.parameter} <small>(${p.unit})</small></h3>
      <div class="ranges" role="group">
        ${RANGES.map(
          (r) =>
            html`<button type="button" class=${s.range === r ? 'on' : ''} data-range=${r} @click=${() => s.onRange(r)}>
              ${t(`range_${r}` as MessageKey)}
            </button>`,
        )}
      </div>
      ${custom ? renderCustomForm(s) : nothing}
    </div>
    <qt-history-chart
      .station=${s.station}
      .parameter=${p.parameter}
      .unit=${p.unit}
      .range=${s.range}
      .from=${custom ? s.custom.from : undefined}
      .to=${custom ? s.custom.to : undefined}
      .live=${s.live}
      .intervalS=${s.intervalS}
    ></qt-history-chart>
  </section>`;
}
