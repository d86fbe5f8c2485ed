import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { StationSummary } from '../../../core/index.js';
import type { StationLatest } from './live-controller.js';
import { renderStationRow } from './station-row.js';
import { stationTableStyles } from './station-table-styles.js';
import type { ZoneGroup } from './stations-controller.js';

type Item =
  | { key: string; kind: 'zone'; group: ZoneGroup }
  | { key: string; kind: 'station'; station: StationSummary };

const EMPTY: ReadonlyMap<string, StationLatest> = new Map();

/**
 * The stations table, grouped by zone. Built for thousands of rows: rows are keyed, a row is
 * only re-rendered when its station's entry (replaced by LiveController on change) or its
 * staleness changed, and the browser skips laying out rows that are off screen (see
 * station-table-styles.ts).
 */
export class QtStationTable extends LitElement {
  static override properties = {
    groups: { attribute: false },
    latest: { attribute: false },
    version: { type: Number },
    staleBefore: { attribute: false },
  };

  static override styles = stationTableStyles;

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
    if (item.kind === 'zone') {
      const { group } = item;
      return guard([group], () => html`<tr class="zone" role="row">
        <th scope="colgroup" role="rowheader">
          ${group.zoneName}<span class="province">${group.province}</span><span class="count">${group.stations.length} trạm</span>
        </th>
      </tr>`);
    }
    const { station } = item;
    const latest = this.latest.get(station.id);
    const stale = (latest?.lastReceivedAt ?? -Infinity) < this.staleBefore;
    return guard([station, latest, stale], () => renderStationRow(station, latest, stale));
  }

  protected override render(): TemplateResult {
    // Every row is a grid on the same tracks, so columns line up without table layout.
    const tracks = { '--parameter-columns': String(this.#columns) };
    return html`<table role="table" style=${styleMap(tracks)}>
      <thead role="rowgroup">
        <tr role="row">
          <th scope="col" role="columnheader">Trạm</th>
          <th scope="col" role="columnheader">Loại</th>
          <th scope="col" role="columnheader" class="parameters">Thông số (giá trị mới nhất)</th>
          <th scope="col" role="columnheader" class="time">Cập nhật lúc <small>(UTC+7)</small></th>
        </tr>
      </thead>
      <tbody role="rowgroup">
        ${repeat(this.#items, (item) => item.key, (item) => this.#row(item))}
      </tbody>
    </table>`;
  }
}

customElements.define('qt-station-table', QtStationTable);

declare global {
  interface HTMLElementTagNameMap {
    'qt-station-table': QtStationTable;
  }
}
