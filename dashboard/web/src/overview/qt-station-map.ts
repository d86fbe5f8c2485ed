import { html, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { QtElement } from '../elements.js';
import type { StationSummary } from '../../../../core/index.js';
import { t, type MessageKey } from '../i18n/index.js';
import { href } from '../router.js';
import { stationMapStyles } from './station-map-styles.js';
import { STATE_ORDER, type StationState } from '../station-state.js';
import { ARCHIPELAGOS, VIETNAM_OUTLINE } from './vietnam-outline.js';

/** Equirectangular projection around 16 N: x grows east, y grows south, in 1/100 degree. */
const COS = Math.cos((16 * Math.PI) / 180);
const px = (lon: number): number => lon * COS * 100;
const py = (lat: number): number => -lat * 100;

interface ZoneMark {
  id: string;
  name: string;
  province: string;
  x: number;
  y: number;
  stations: StationSummary[];
}

const worst = (states: Iterable<StationState>): StationState => {
  let best = STATE_ORDER.length - 1;
  for (const s of states) best = Math.min(best, STATE_ORDER.indexOf(s));
  return STATE_ORDER[best]!;
};

/**
 * The map view: an SVG drawn from the stations' coordinates over a hand-drawn outline of
 * Vietnam (no tiles: the centre has no internet). The country shows one marker per zone in
 * the colour of its worst station; a zone, clicked or given, is zoomed to its stations.
 */
export class QtStationMap extends QtElement {
  static override properties = {
    stations: { attribute: false },
    states: { attribute: false },
    zone: { attribute: false },
    focusZone: { state: true },
  };
  declare stations: readonly StationSummary[];
  declare states: ReadonlyMap<string, StationState>;
  declare zone: string | undefined;
  declare focusZone: string | undefined;
  #zones: ZoneMark[] = [];

  constructor() {
    super();
    this.stations = [];
    this.states = new Map();
    this.zone = undefined;
    this.focusZone = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('zone')) this.focusZone = this.zone;
    if (changed.has('stations')) {
      const zones = new Map<string, ZoneMark>();
      for (const s of this.stations) {
        let z = zones.get(s.zoneId);
        if (!z) zones.set(s.zoneId, (z = { id: s.zoneId, name: s.zoneName, province: s.province, x: 0, y: 0, stations: [] }));
        z.stations.push(s);
      }
      for (const z of zones.values()) {
        z.x = z.stations.reduce((a, s) => a + px(s.lon), 0) / z.stations.length;
        z.y = z.stations.reduce((a, s) => a + py(s.lat), 0) / z.stations.length;
      }
      this.#zones = [...zones.values()];
    }
  }

  #viewBox(): [number, number, number, number] {
    const focused = this.#zones.find((z) => z.id === this.focusZone);
    if (focused) {
      const xs = focused.stations.map((s) => px(s.lon));
      const ys = focused.stations.map((s) => py(s.lat));
      const pad = 3;
      const w = Math.max(8, Math.max(...xs) - Math.min(...xs)) + 2 * pad;
      const h = Math.max(8, Math.max(...ys) - Math.min(...ys)) + 2 * pad;
      const side = Math.max(w, h * 0.75);
      const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
      const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
      return [cx - side / 2, cy - side / 0.75 / 2, side, side / 0.75];
    }
    const x0 = px(102.0);
    const y0 = py(23.6);
    return [x0, y0, px(115.0) - x0, py(8.3) - y0];
  }

  #renderZone(z: ZoneMark, unit: number): SVGTemplateResult {
    const state = worst(z.stations.map((s) => this.states.get(s.id) ?? 'interrupted'));
    const r = unit * (1.1 + Math.min(1.2, Math.sqrt(z.stations.length) / 8));
    return svg`<g class="zone" data-zone=${z.id} data-state=${state} tabindex="0" role="button"
      aria-label=${`${z.name}: ${t(`state_${state}` as MessageKey)}`}
      @click=${() => (this.focusZone = z.id)} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && (this.focusZone = z.id)}>
      <title>${z.name} (${z.province}) — ${t('zoneStations', { n: z.stations.length })} — ${t(`state_${state}` as MessageKey)}</title>
      <circle class="marker st-${state}" cx=${z.x} cy=${z.y} r=${r} stroke-width=${unit * 0.18}></circle>
      <text class="st-${state}" x=${z.x} y=${z.y + unit * 0.35} font-size=${unit * 0.95} text-anchor="middle">${z.stations.length}</text>
      <text x=${z.x + r + unit * 0.4} y=${z.y + unit * 0.35} font-size=${unit * 0.95} class="label">${z.name}</text>
    </g>`;
  }

  #renderStation(s: StationSummary, unit: number): SVGTemplateResult {
    const state = this.states.get(s.id) ?? 'interrupted';
    return svg`<a href=${href.station(s.id)} data-map-station=${s.id} data-state=${state}>
      <title>${s.id} — ${s.name} — ${t(`state_${state}` as MessageKey)}</title>
      <circle class="marker st-${state}" cx=${px(s.lon)} cy=${py(s.lat)} r=${unit * 0.55} stroke-width=${unit * 0.12}></circle>
    </a>`;
  }

  protected override render(): TemplateResult {
    const [x, y, w, h] = this.#viewBox();
    const unit = w / 60;
    const outline = VIETNAM_OUTLINE.map(([lon, lat]) => `${px(lon)},${py(lat)}`).join(' ');
    const focused = this.#zones.find((z) => z.id === this.focusZone);
    return html`<div class="bar">
        <button type="button" ?disabled=${!focused} @click=${() => (this.focusZone = undefined)} data-testid="map-country">
          ${t('map_country')}
        </button>
        ${focused ? html`<strong>${focused.name}</strong> <span>${focused.province}</span>` : html`<span class="hint">${t('map_hint')}</span>`}
        <span class="legend">${STATE_ORDER.map((s) => html`<span class="badge st-${s}">${t(`state_${s}` as MessageKey)}</span>`)}</span>
      </div>
      <div class="body">
        <svg viewBox="${x} ${y} ${w} ${h}" data-testid="map" role="img" aria-label=${t('nav_map')} preserveAspectRatio="xMidYMid meet">
          <rect x=${x} y=${y} width=${w} height=${h} class="sea"></rect>
          <polygon points=${outline} class="land" stroke-width=${unit * 0.15}></polygon>
          ${ARCHIPELAGOS.map(
            (a) => svg`<g class="islands"><circle cx=${px(a.lon)} cy=${py(a.lat)} r=${unit * 0.35}></circle>
          <text x=${px(a.lon)} y=${py(a.lat) + unit * 1.6} font-size=${unit * 0.9} text-anchor="middle">${a.name}</text></g>`,
          )}
          ${focused ? focused.stations.map((s) => this.#renderStation(s, unit)) : this.#zones.map((z) => this.#renderZone(z, unit))}
        </svg>
        <ol class="zones">
          ${this.#zones.map((z) => {
            const state = worst(z.stations.map((s) => this.states.get(s.id) ?? 'interrupted'));
            return html`<li>
              <button
                type="button"
                class=${z.id === this.focusZone ? 'on' : ''}
                data-zone-button=${z.id}
                @click=${() => (this.focusZone = z.id)}
              >
                <span class="badge st-${state}">${t(`state_${state}` as MessageKey)}</span> ${z.name}
                <small>${z.province} · ${z.stations.length}</small>
              </button>
            </li>`;
          })}
        </ol>
      </div>`;
  }

  static override styles = stationMapStyles;
}

customElements.define('qt-station-map', QtStationMap);

declare global {
  interface HTMLElementTagNameMap {
    'qt-station-map': QtStationMap;
  }
}
