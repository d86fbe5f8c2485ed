import { html, nothing, type TemplateResult } from 'lit';
import type { Reading, StationSummary } from '../../../../core/index.js';
import { formatClock, isoTitle } from '../format-clock.js';
import { formatValue } from '../format-value.js';
import { t, type MessageKey } from '../i18n/index.js';
import { limitLevel } from '../limit-level.js';
import type { StationLatest } from '../live/latest-store.js';
import type { StationState } from '../station-state.js';

type StationParameter = StationSummary['parameters'][number];

function valueChip(stationId: string, p: StationParameter, r: Reading | undefined): TemplateResult {
  if (r === undefined) {
    return html`<li class="value empty" data-station=${stationId} data-parameter=${p.parameter}>
      <span class="symbol">${p.parameter}</span> <span class="reading">— <span class="unit">${p.unit}</span></span>
    </li>`;
  }
  // Data status codes (docs/DOMAIN.md, "Stations and parameters"): 00 measuring, 01 calibrating, 02 device fault.
  const status = r.status === '00' ? undefined : t(`status_${r.status}` as MessageKey);
  // Limits are stated in the station's unit; a reading in another unit is not compared.
  // Calibration and fault values (01, 02) are no measurements of the discharge, so they are
  // never coloured as breaches.
  const level = status === undefined && r.unit === p.unit ? limitLevel(r.value, p) : 'normal';
  return html`<li
    class="value ${level} s${r.status}"
    data-station=${stationId}
    data-parameter=${p.parameter}
    data-ts=${r.ts}
    data-level=${level}
    title=${isoTitle(r.ts)}
  >
    <span class="symbol">${p.parameter}</span>
    <span class="reading"><span class="number">${formatValue(r.value)}</span> <span class="unit">${r.unit}</span></span
    >${status === undefined ? nothing : html` <span class="status" title=${t('statusCode', { code: r.status })}>${status}</span>`}
  </li>`;
}

/**
 * One station's row: id and name (a link to its page), state by colour and text, kind, one
 * cell listing the parameters' latest values (a chip each, wrapping within the cell so that a
 * station with many parameters makes its row taller, never the table wider), the time of its
 * newest reading (UTC+7, ISO in the tooltip).
 */
export function renderStationRow(
  station: StationSummary,
  latest: StationLatest | undefined,
  stale: boolean,
  state: StationState,
): TemplateResult {
  return html`<tr class="station ${stale ? 'stale' : ''}" role="row" data-station-row=${station.id} data-state=${state}>
    <th scope="row" role="rowheader" class="name">
      <a href=${`#/station/${encodeURIComponent(station.id)}`}
        ><span class="id">${station.id}</span> <span class="label">${station.name}</span></a
      >${stale ? html`<span class="stale-note">${t('staleNote')}</span>` : nothing}
    </th>
    <td role="cell" class="state st-${state}" data-testid="station-state">
      <span class="badge">${t(`state_${state}` as MessageKey)}</span>
    </td>
    <td role="cell" class="kind ${station.kind}">${t(`kind_${station.kind}` as MessageKey)}</td>
    <td role="cell" class="parameters">
      <ul class="chips">
        ${station.parameters.map((p) => valueChip(station.id, p, latest?.readings.get(p.parameter)))}
      </ul>
    </td>
    <td role="cell" class="time" title=${latest ? isoTitle(latest.lastTs) : nothing}>${latest ? formatClock(latest.lastTs) : '—'}</td>
  </tr>`;
}
