import { LitElement, css, html, type PropertyValues, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { StationSummary } from '../../../core/index.js';
import type { StationLatest } from './live-controller.js';
import { renderStationRow } from './station-row.js';
import type { ZoneGroup } from './stations-controller.js';

type Item =
  | { key: string; kind: 'zone'; group: ZoneGroup }
  | { key: string; kind: 'station'; station: StationSummary };

const EMPTY: ReadonlyMap<string, StationLatest> = new Map();

/**
 * The stations table, grouped by zone. Built for thousands of rows: rows are keyed, and a
 * row is only re-rendered when its station's entry (replaced by LiveController on change)
 * or its staleness changed.
 */
export class QtStationTable extends LitElement {
  static override properties = {
    groups: { attribute: false },
    latest: { attribute: false },
    version: { type: Number },
    staleBefore: { attribute: false },
  };

  declare groups: readonly ZoneGroup[];
  /** Mutated in place by its owner; `version` says when. */
  declare latest: ReadonlyMap<string, StationLatest>;
  declare version: number;
  /** Stations whose last reception is older than this (centre clock, epoch ms) are stale. */
  declare staleBefore: number;

  #items: Item[] = [];
  #columns = 1;

  constructor() {
    super();
    this.groups = [];
    this.latest = EMPTY;
    this.version = 0;
    this.staleBefore = -Infinity;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('groups')) {
      this.#items = this.groups.flatMap((group): Item[] => [
        { key: `zone:${group.zoneId}`, kind: 'zone', group },
        ...group.stations.map((station): Item => ({ key: `station:${station.id}`, kind: 'station', station })),
      ]);
      this.#columns = Math.max(1, ...this.groups.flatMap((g) => g.stations.map((s) => s.parameters.length)));
    }
  }

  #row(item: Item): unknown {
    const columns = this.#columns;
    if (item.kind === 'zone') {
      const { group } = item;
      return guard([group, columns], () => html`<tr class="zone">
        <th scope="colgroup" colspan=${columns + 3}>
          ${group.zoneName}<span class="province">${group.province}</span><span class="count">${group.stations.length} trạm</span>
        </th>
      </tr>`);
    }
    const { station } = item;
    const latest = this.latest.get(station.id);
    const stale = (latest?.lastReceivedAt ?? -Infinity) < this.staleBefore;
    return guard([station, latest, columns, stale], () => renderStationRow(station, latest, columns, stale));
  }

  protected override render(): TemplateResult {
    return html`<table>
      <thead>
        <tr>
          <th scope="col">Trạm</th>
          <th scope="col">Loại</th>
          <th scope="col" colspan=${this.#columns}>Thông số (giá trị mới nhất)</th>
          <th scope="col">Cập nhật lúc <small>(UTC+7)</small></th>
        </tr>
      </thead>
      <tbody>
        ${repeat(this.#items, (item) => item.key, (item) => this.#row(item))}
      </tbody>
    </table>`;
  }

  static override styles = css`
    :host {
      display: block;
      font-size: 0.875rem;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      background: #fff;
    }
    thead th {
      position: sticky;
      top: 0;
      z-index: 1;
      background: #e8edf2;
      color: #334155;
      text-align: left;
      font-weight: 600;
      padding: 0.5rem;
      border-bottom: 2px solid #cbd5e1;
      white-space: nowrap;
    }
    thead small {
      font-weight: 400;
      color: #64748b;
    }
    tr.zone th {
      text-align: left;
      padding: 0.6rem 0.5rem 0.35rem;
      background: #f1f5f9;
      color: #0f3d5e;
      font-size: 0.95rem;
      border-top: 1px solid #cbd5e1;
    }
    tr.zone .province,
    tr.zone .count {
      margin-left: 0.75rem;
      font-weight: 400;
      color: #64748b;
      font-size: 0.85rem;
    }
    tr.station > * {
      padding: 0.3rem 0.45rem;
      border-bottom: 1px solid #e2e8f0;
      vertical-align: top;
    }
    tr.station:hover > * {
      background: #f8fafc;
    }
    th.name {
      text-align: left;
      font-weight: 400;
      min-width: 10rem;
      max-width: 16rem;
    }
    th.name .id {
      display: block;
      font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
      font-size: 0.8rem;
      color: #475569;
    }
    td.kind {
      white-space: nowrap;
      color: #475569;
    }
    td.kind.stack {
      color: #6b4f1d;
    }
    td.value {
      white-space: nowrap;
      min-width: 5.5rem;
      font-variant-numeric: tabular-nums;
    }
    /* The parameter symbol heads each cell; drawn by CSS so the cell's text is "value unit". */
    td.value::before {
      content: attr(data-parameter);
      display: block;
      font-size: 0.7rem;
      color: #64748b;
    }
    td.value .unit {
      color: #64748b;
      font-size: 0.8rem;
    }
    td.value.empty {
      color: #94a3b8;
    }
    td.value.near {
      background: #fff4d6;
    }
    td.value.near .number {
      color: #9a5b00;
      font-weight: 600;
    }
    td.value.breach {
      background: #fde2e1;
    }
    td.value.breach .number {
      color: #b3261e;
      font-weight: 700;
    }
    td.value.s01 .number,
    td.value.s02 .number {
      color: #64748b;
    }
    td.value .status {
      display: block;
      width: fit-content;
      margin-top: 0.1rem;
      padding: 0 0.3rem;
      border-radius: 0.25rem;
      font-size: 0.7rem;
      background: #e0e7ff;
      color: #3730a3;
    }
    td.value.s02 .status {
      background: #fee2e2;
      color: #991b1b;
    }
    td.time {
      white-space: nowrap;
      font-variant-numeric: tabular-nums;
      font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
    }
    tr.stale td.time {
      color: #b45309;
    }
    tr.stale th.name .label::after {
      content: ' · không báo số liệu > 5 phút';
      color: #b45309;
      font-size: 0.75rem;
    }
  `;
}

customElements.define('qt-station-table', QtStationTable);

declare global {
  interface HTMLElementTagNameMap {
    'qt-station-table': QtStationTable;
  }
}
