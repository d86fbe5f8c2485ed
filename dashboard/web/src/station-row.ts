import { html, nothing, type TemplateResult } from 'lit';
import type { Reading, StationSummary } from '../../../core/index.js';
import { formatClock } from './format-clock.js';
import { formatValue } from './format-value.js';
import { limitLevel } from './limit-level.js';
import type { StationLatest } from './live-controller.js';

type StationParameter = StationSummary['parameters'][number];

const KIND_LABEL: Record<StationSummary['kind'], string> = {
  wastewater: 'Nước thải',
  stack: 'Khí thải',
};

/** Data status codes (DOMAIN.md): 00 measuring, 01 calibrating, 02 device fault. */
const STATUS_LABEL: Record<string, string> = {
  '01': 'hiệu chuẩn',
  '02': 'lỗi thiết bị',
};

function valueCell(stationId: string, p: StationParameter, r: Reading | undefined): TemplateResult {
  if (r === undefined) {
    return html`<td role="cell" class="value empty" data-station=${stationId} data-parameter=${p.parameter}><span class="reading">— <span class="unit">${p.unit}</span></span></td>`;
  }
  const status = STATUS_LABEL[r.status];
  // Limits are stated in the station's unit; a reading in another unit is not compared.
  // Calibration and fault values (01, 02) are no measurements of the discharge, so they are
  // never coloured as breaches.
  const level = status === undefined && r.unit === p.unit ? limitLevel(r.value, p) : 'normal';
  return html`<td
    role="cell"
    class="value ${level} s${r.status}"
    data-station=${stationId}
    data-parameter=${p.parameter}
    data-ts=${r.ts}
    data-level=${level}
    title=${new Date(r.ts).toISOString()}
  ><span class="reading"><span class="number">${formatValue(r.value)}</span> <span class="unit">${r.unit}</span></span>${
    status === undefined ? nothing : html` <span class="status" title=${`mã trạng thái ${r.status}`}>${status}</span>`
  }</td>`;
}

/**
 * One station's row: id and name, kind, a cell per parameter, the time of its newest reading
 * (UTC+7). Stations with fewer parameters than the widest leave their last tracks empty.
 */
export function renderStationRow(station: StationSummary, latest: StationLatest | undefined, stale: boolean): TemplateResult {
  return html`<tr class="station ${stale ? 'stale' : ''}" role="row" data-station-row=${station.id}>
    <th scope="row" role="rowheader" class="name">
      <span class="id">${station.id}</span>
      <span class="label">${station.name}</span>
    </th>
    <td role="cell" class="kind ${station.kind}">${KIND_LABEL[station.kind] ?? station.kind}</td>
    ${station.parameters.map((p) => valueCell(station.id, p, latest?.readings.get(p.parameter)))}
    <td role="cell" class="time" title=${latest ? new Date(latest.lastTs).toISOString() : nothing}>${
      latest ? formatClock(latest.lastTs) : '—'
    }</td>
  </tr>`;
}
