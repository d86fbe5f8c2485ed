import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Alert, StationSummary } from '../../../core/index.js';
import { LangController, t, type MessageKey } from './i18n.js';
import type { StationLatest } from './live-controller.js';
import './qt-station-map.js';
import './qt-station-table.js';
import { href } from './router.js';
import { STATE_ORDER, type StationState } from './station-state.js';
import { groupByZone, type ZoneGroup } from './stations-controller.js';
import { stateBadgeStyles } from './state-styles.js';

interface Filter {
  zone: string;
  province: string;
  kind: string;
  state: string;
  search: string;
}

const EMPTY_FILTER: Filter = { zone: '', province: '', kind: '', state: '', search: '' };

/**
 * The overview: every zone and station with its state, filters by zone, province, kind and
 * state, a search box, and the table or the SVG map. `zone` (from `#/zone/<id>`) narrows it
 * to one zone and links that zone's report.
 */
export class QtOverview extends LitElement {
  static override properties = {
    stations: { attribute: false },
    latest: { attribute: false },
    version: { type: Number },
    states: { attribute: false },
    alertsByStation: { attribute: false },
    staleBefore: { attribute: false },
    zone: { attribute: false },
    view: { attribute: false },
    filter: { state: true },
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
  readonly #lang = new LangController(this);
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
      const f = this.filter;
      const zone = this.zone ?? f.zone;
      const words = f.search.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
      const shown = this.stations.filter((s) => (zone === '' || s.zoneId === zone)
        && (f.province === '' || s.province === f.province)
        && (f.kind === '' || s.kind === f.kind)
        && (f.state === '' || this.states.get(s.id) === f.state)
        && words.every((w) => `${s.id} ${s.name} ${s.facilityName} ${s.zoneName} ${s.province}`.toLowerCase().includes(w)));
      // Keep the array (and the table's rows) when the same stations are shown.
      if (shown.length !== this.#shown.length || shown.some((s, i) => s !== this.#shown[i])) {
        this.#shown = shown;
        this.#groups = groupByZone(shown);
      }
    }
  }

  #set(change: Partial<Filter>): void {
    this.filter = { ...this.filter, ...change };
  }

  #select(label: MessageKey, key: keyof Filter, options: Array<[string, string]>, testid: string): TemplateResult {
    return html`<label>${t(label)}
      <select data-testid=${testid} .value=${this.filter[key]} @change=${(e: Event) => this.#set({ [key]: (e.target as HTMLSelectElement).value })}>
        <option value="">${t('all')}</option>
        ${options.map(([v, text]) => html`<option value=${v} ?selected=${this.filter[key] === v}>${text}</option>`)}
      </select></label>`;
  }

  #renderFilters(): TemplateResult {
    const zones = new Map<string, string>();
    const provinces = new Set<string>();
    for (const s of this.stations) {
      zones.set(s.zoneId, s.zoneName);
      provinces.add(s.province);
    }
    const counts = new Map<StationState, number>();
    for (const s of this.#shown) {
      const st = this.states.get(s.id) ?? 'interrupted';
      counts.set(st, (counts.get(st) ?? 0) + 1);
    }
    return html`<div class="filters" role="search">
      ${this.zone === undefined ? this.#select('filterZone', 'zone', [...zones].sort((a, b) => a[1].localeCompare(b[1])), 'filter-zone') : nothing}
      ${this.#select('filterProvince', 'province', [...provinces].sort().map((p) => [p, p]), 'filter-province')}
      ${this.#select('filterKind', 'kind', [['wastewater', t('kind_wastewater')], ['stack', t('kind_stack')]], 'filter-kind')}
      ${this.#select('filterState', 'state', STATE_ORDER.map((s) => [s, t(`state_${s}` as MessageKey)]), 'filter-state')}
      <input type="search" placeholder=${t('search')} aria-label=${t('search')} data-testid="search" .value=${this.filter.search}
        @input=${(e: Event) => this.#set({ search: (e.target as HTMLInputElement).value })} />
      <span class="shown" data-testid="shown-count">${t('shown', { n: this.#shown.length, total: this.stations.length })}</span>
      <span class="legend">${STATE_ORDER.map((s) => html`<button type="button" class="badge st-${s} ${this.filter.state === s ? 'on' : ''}" data-testid=${`state-count-${s}`}
        @click=${() => this.#set({ state: this.filter.state === s ? '' : s })}>${t(`state_${s}` as MessageKey)} ${counts.get(s) ?? 0}</button>`)}</span>
      <span class="views">
        <a href=${this.zone ? href.zone(this.zone) : href.overview()} class=${this.view === 'table' ? 'on' : ''} data-testid="view-table">${t('view_table')}</a>
        <a href=${this.zone ? href.zone(this.zone, 'map') : href.overview('map')} class=${this.view === 'map' ? 'on' : ''} data-testid="view-map">${t('view_map')}</a>
      </span>
    </div>`;
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

  protected override render(): TemplateResult {
    void this.#lang;
    if (this.stations.length === 0) return html`<p class="notice">${t('noStations')}</p>`;
    const body = this.#shown.length === 0
      ? html`<p class="notice">${t('noMatch')}</p>`
      : this.view === 'map'
        ? html`<qt-station-map .stations=${this.#shown} .states=${this.states} .zone=${this.zone}></qt-station-map>`
        : html`<qt-station-table .groups=${this.#groups} .latest=${this.latest} .version=${this.version} .staleBefore=${this.staleBefore} .states=${this.states}></qt-station-table>`;
    return html`${this.#renderZoneHeader()}${this.#renderFilters()}${body}`;
  }

  static override styles = [stateBadgeStyles, css`
    :host {
      display: block;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.5rem 0.9rem;
      margin-bottom: 0.75rem;
      font-size: 0.85rem;
    }
    label {
      display: grid;
      gap: 0.15rem;
      color: #475569;
    }
    select,
    input {
      font: inherit;
      padding: 0.3rem 0.4rem;
      border: 1px solid #cbd5e1;
      border-radius: 0.35rem;
      background: #fff;
    }
    input[type='search'] {
      min-width: 14rem;
    }
    .shown {
      color: #475569;
      padding-bottom: 0.35rem;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem;
    }
    .badge {
      font: inherit;
      font-size: 0.75rem;
      font-weight: 600;
      border: 2px solid transparent;
      border-radius: 0.75rem;
      padding: 0.1rem 0.5rem;
      cursor: pointer;
    }
    .badge.on {
      border-color: #0f172a;
    }
    .views {
      margin-left: auto;
      display: flex;
      gap: 0.2rem;
    }
    .views a {
      padding: 0.3rem 0.7rem;
      border: 1px solid #cbd5e1;
      border-radius: 0.35rem;
      color: #0f3d5e;
      text-decoration: none;
      background: #fff;
    }
    .views a.on {
      background: #0f3d5e;
      color: #fff;
    }
    .zone-head {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.3rem 1rem;
      margin-bottom: 0.5rem;
    }
    .zone-head p {
      margin: 0;
      width: 100%;
    }
    .zone-head h2 {
      margin: 0;
      font-size: 1.2rem;
      color: #0f3d5e;
    }
    .zone-head small {
      font-weight: 400;
      color: #64748b;
    }
    a {
      color: #1d6d8f;
    }
    .notice {
      color: #475569;
    }
  `];
}

customElements.define('qt-overview', QtOverview);

declare global {
  interface HTMLElementTagNameMap {
    'qt-overview': QtOverview;
  }
}
