import { html, nothing, type TemplateResult } from 'lit';
import type { StationSummary } from '../../../../core/index.js';
import { t, type MessageKey } from '../i18n/index.js';
import { href } from '../router.js';
import { STATE_ORDER, type StationState } from '../station-state.js';
import type { Filter } from './filter.js';

/** What the bar shows and how it reports a changed filter. */
export interface FiltersBar {
  stations: readonly StationSummary[];
  shown: readonly StationSummary[];
  states: ReadonlyMap<string, StationState>;
  filter: Filter;
  zone: string | undefined;
  view: 'table' | 'map';
  onChange(change: Partial<Filter>): void;
}

function select(b: FiltersBar, label: MessageKey, key: keyof Filter, options: Array<[string, string]>, testid: string): TemplateResult {
  return html`<label
    >${t(label)}
    <select
      data-testid=${testid}
      .value=${b.filter[key]}
      @change=${(e: Event) => b.onChange({ [key]: (e.target as HTMLSelectElement).value })}
    >
      <option value="">${t('all')}</option>
      ${options.map(([v, text]) => html`<option value=${v} ?selected=${b.filter[key] === v}>${text}</option>`)}
    </select></label
  >`;
}

/** The state counts of the stations shown, as buttons that filter by state. */
function legend(b: FiltersBar): TemplateResult {
  const counts = new Map<StationState, number>();
  for (const s of b.shown) {
    const st = b.states.get(s.id) ?? 'interrupted';
    counts.set(st, (counts.get(st) ?? 0) + 1);
  }
  return html`<span class="legend"
    >${STATE_ORDER.map(
      (s) =>
        html`<button
          type="button"
          class="badge st-${s} ${b.filter.state === s ? 'on' : ''}"
          data-testid=${`state-count-${s}`}
          @click=${() => b.onChange({ state: b.filter.state === s ? '' : s })}
        >
          ${t(`state_${s}` as MessageKey)} ${counts.get(s) ?? 0}
        </button>`,
    )}</span
  >`;
}

/** Filters by zone, province, kind and state, a search box, the counts, the table/map switch. */
export function renderFiltersBar(b: FiltersBar): TemplateResult {
  const zones = new Map<string, string>();
  const provinces = new Set<string>();
  for (const s of b.stations) {
    zones.set(s.zoneId, s.zoneName);
    provinces.add(s.province);
  }
  return html`<div class="filters" role="search">
    ${
      b.zone === undefined
        ? select(
            b,
            'filterZone',
            'zone',
            [...zones].sort((x, y) => x[1].localeCompare(y[1])),
            'filter-zone',
          )
        : nothing
    }
    ${select(
      b,
      'filterProvince',
      'province',
      [...provinces].sort().map((p) => [p, p]),
      'filter-province',
    )}
    ${select(
      b,
      'filterKind',
      'kind',
      [
        ['wastewater', t('kind_wastewater')],
        ['stack', t('kind_stack')],
      ],
      'filter-kind',
    )}
    ${select(
      b,
      'filterState',
      'state',
      STATE_ORDER.map((s) => [s, t(`state_${s}` as MessageKey)]),
      'filter-state',
    )}
    <input
      type="search"
      placeholder=${t('search')}
      aria-label=${t('search')}
      data-testid="search"
      .value=${b.filter.search}
      @input=${(e: Event) => b.onChange({ search: (e.target as HTMLInputElement).value })}
    />
    <span class="shown" data-testid="shown-count">${t('shown', { n: b.shown.length, total: b.stations.length })}</span>
    ${legend(b)}
    <span class="views">
      <a href=${b.zone ? href.zone(b.zone) : href.overview()} class=${b.view === 'table' ? 'on' : ''} data-testid="view-table"
        >${t('view_table')}</a
      >
      <a href=${b.zone ? href.zone(b.zone, 'map') : href.overview('map')} class=${b.view === 'map' ? 'on' : ''} data-testid="view-map"
        >${t('view_map')}</a
      >
    </span>
  </div>`;
}
