import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Alert, StationSummary } from '../../../../core/index.js';
import { inputs, QtElement, states } from '../elements.js';
import { t } from '../i18n/index.js';
import type { StationLatest } from '../live/latest-store.js';
import './qt-station-map.js';
import './qt-station-table.js';
import { href } from '../router.js';
import type { StationState } from '../station-state.js';
import { groupByZone, type ZoneGroup } from '../stations-controller.js';
import { EMPTY_FILTER, filterStations, type Filter } from './filter.js';
import { renderFiltersBar } from './filters-bar.js';
import { overviewStyles } from './styles.js';

/**
 * The overview: every zone and station with its state, filters by zone, province, kind and
 * state, a search box, and the table or the SVG map. `zone` (from `#/zone/<id>`) narrows it
 * to one zone and links that zone's report.
 */
export class QtOverview extends QtElement {
  static override properties = {
    ...inputs('stations', 'latest', 'states', 'alertsByStation', 'staleBefore', 'zone', 'view'),
    version: { type: Number },
    ...states('filter'),
  };
  declare stations: readonly StationSummary[];
  declare latest: ReadonlyMap<string, StationLatest>;
  declare version: number;
  declare states: ReadonlyMap<string, StationState>;
  declare alertsByStation: ReadonlyMap<string, Alert[]>;
  declare staleBefore: number;
  declare zone: string | undefined;
  declare view: 'table' | 'map';
  declare filter: Filter;
  #shown: StationSummary[] = [];
  #groups: ZoneGroup[] = [];

  constructor() {
    super();
    this.stations = [];
    this.latest = new Map();
    this.version = 0;
    this.states = new Map();
    this.alertsByStation = new Map();
    this.staleBefore = -Infinity;
    this.zone = undefined;
    this.view = 'table';
    this.filter = EMPTY_FILTER;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('stations') || changed.has('filter') || changed.has('zone') || (this.filter.state !== '' && changed.has('states'))) {
      const shown = filterStations(this.stations, this.filter, this.zone, this.states);
      // Keep the array (and the table's rows) when the same stations are shown.
      if (shown.length !== this.#shown.length || shown.some((s, i) => s !== this.#shown[i])) {
        this.#shown = shown;
        this.#groups = groupByZone(shown);
      }
    }
  }

  #renderZoneHeader(): TemplateResult | typeof nothing {
    if (this.zone === undefined) return nothing;
    const first = this.stations.find((s) => s.zoneId === this.zone);
    if (!first) return html`<p class="notice">${t('notFound')}</p>`;
    return html`<div class="zone-head">
      <p><a href=${href.overview()}>${t('back')}</a></p>
      <h2>${first.zoneName} <small>${first.province}</small></h2>
      <a class="report" href=${href.reportZone(this.zone)} data-testid="zone-report-link">${t('reportZone')}</a>
    </div>`;
  }

  #renderBody(): TemplateResult {
    if (this.#shown.length === 0) return html`<p class="notice">${t('noMatch')}</p>`;
    if (this.view === 'map')
      return html`<qt-station-map .stations=${this.#shown} .states=${this.states} .zone=${this.zone}></qt-station-map>`;
    return html`<qt-station-table
      .groups=${this.#groups}
      .latest=${this.latest}
      .version=${this.version}
      .staleBefore=${this.staleBefore}
      .states=${this.states}
    ></qt-station-table>`;
  }

  protected override render(): TemplateResult {
    if (this.stations.length === 0) return html`<p class="notice">${t('noStations')}</p>`;
    const filters = renderFiltersBar({
      stations: this.stations,
      shown: this.#shown,
      states: this.states,
      filter: this.filter,
      zone: this.zone,
      view: this.view,
      onChange: (change) => (this.filter = { ...this.filter, ...change }),
    });
    return html`${this.#renderZoneHeader()}${filters}${this.#renderBody()}`;
  }

  static override styles = overviewStyles;
}

customElements.define('qt-overview', QtOverview);

declare global {
  interface HTMLElementTagNameMap {
    'qt-overview': QtOverview;
  }
}
