import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { StationSummary } from '../../../../core/index.js';
import { lang, t } from '../i18n/index.js';
import type { StationLatest } from '../live/latest-store.js';
import type { StationState } from '../station-state.js';
import { renderStationRow } from './station-row.js';
import { stationTableStyles } from './station-table-styles.js';
import type { ZoneGroup } from '../stations-controller.js';

type Item = { key: string; kind: 'zone'; group: ZoneGroup } | { key: string; kind: 'station'; station: StationSummary };

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
    states: { attribute: false },
  };

  static override styles = stationTableStyles;

  declare groups: readonly ZoneGroup[];
  /** Mutated in place by its owner; `version` says when. */
  declare latest: ReadonlyMap<string, StationLatest>;
  declare version: number;
  /** Stations whose last reception is older than this (centre clock, epoch ms) are stale. */
  declare staleBefore: number;
  /** Each station's state (station-state.ts); a new Map when any changed. */
  declare states: ReadonlyMap<string, StationState>;

  #items: Item[] = [];
  /** Stations whose row is on or near the screen (IntersectionObserver). */
  readonly #visible = new Set<string>();
  /** The entry each row last rendered: rows off screen keep it, so they are not re-rendered. */
  readonly #shown = new Map<string, StationLatest | undefined>();
  #observed = new WeakSet<Element>();
  #observer: IntersectionObserver | undefined;
  /** Set on (re)connection: every row must be observed afresh. */
  #observeAll = true;

  override connectedCallback(): void {
    super.connectedCallback();
    // Rows off screen are not laid out (content-visibility), and not re-rendered either: with
    // 2,000 stations a frame would otherwise rewrite 16,000 cells nobody sees. A row catches up
    // as it comes within 600 px of the viewport.
    this.#observer = new IntersectionObserver(
      (entries) => {
        let appeared = false;
        for (const e of entries) {
          const id = (e.target as HTMLElement).dataset['stationRow'];
          if (id === undefined) continue;
          if (e.isIntersecting) {
            if (!this.#visible.has(id)) appeared = true;
            this.#visible.add(id);
          } else {
            this.#visible.delete(id);
          }
        }
        if (appeared) this.requestUpdate();
      },
      { rootMargin: '600px 0px' },
    );
    this.#observed = new WeakSet();
    this.#observeAll = true;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#visible.clear();
    this.#shown.clear();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const observer = this.#observer;
    // Rows come and go only with the groups (the filters); live updates reuse them.
    if (!observer || (!changed.has('groups') && !this.#observeAll)) return;
    this.#observeAll = false;
    for (const row of this.renderRoot.querySelectorAll('tr[data-station-row]')) {
      if (!this.#observed.has(row)) {
        this.#observed.add(row);
        observer.observe(row);
      }
    }
  }

  constructor() {
    super();
    this.groups = [];
    this.latest = EMPTY;
    this.version = 0;
    this.staleBefore = -Infinity;
    this.states = new Map();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('groups')) {
      this.#items = this.groups.flatMap((group): Item[] => [
        { key: `zone:${group.zoneId}`, kind: 'zone', group },
        ...group.stations.map((station): Item => ({ key: `station:${station.id}`, kind: 'station', station })),
      ]);
    }
  }

  #row(item: Item): unknown {
    if (item.kind === 'zone') {
      const { group } = item;
      return guard(
        [group, lang()],
        () =>
          html`<tr class="zone" role="row">
            <th scope="colgroup" role="rowheader">
              <a href=${`#/zone/${encodeURIComponent(group.zoneId)}`}>${group.zoneName}</a><span class="province">${group.province}</span
              ><span class="count">${t('zoneStations', { n: group.stations.length })}</span>
            </th>
          </tr>`,
      );
    }
    const { station } = item;
    let latest = this.latest.get(station.id);
    if (!this.#visible.has(station.id) && this.#shown.has(station.id)) latest = this.#shown.get(station.id);
    this.#shown.set(station.id, latest);
    const stale = (latest?.lastReceivedAt ?? -Infinity) < this.staleBefore;
    const state = this.states.get(station.id) ?? 'interrupted';
    return guard([station, latest, stale, state, lang()], () => renderStationRow(station, latest, stale, state));
  }

  protected override render(): TemplateResult {
    // Every row is a grid on the same tracks, so columns line up without table layout.
    return html`<table role="table">
      <thead role="rowgroup">
        <tr role="row">
          <th scope="col" role="columnheader">${t('col_station')}</th>
          <th scope="col" role="columnheader">${t('col_state')}</th>
          <th scope="col" role="columnheader">${t('col_kind')}</th>
          <th scope="col" role="columnheader" class="parameters">${t('col_parameters')}</th>
          <th scope="col" role="columnheader" class="time">${t('col_time')} <small>${t('localTime')}</small></th>
        </tr>
      </thead>
      <tbody role="rowgroup">
        ${repeat(
          this.#items,
          (item) => item.key,
          (item) => this.#row(item),
        )}
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
