import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Incident, StationSummary } from '../../../../core/index.js';
import type { MapSettings } from '../../../../core/config-map.js';
import { api } from '../api.js';
import { QtElement } from '../elements.js';
import { t, type MessageKey } from '../i18n/index.js';
import { mapStyles } from '../map/map-styles.js';
import type { ZoneRisk } from '../map/map-markers.js';
import type { MapView } from '../map/map-view.js';
import { zoneRisk } from '../incidents/incident-view.js';
import { PollController } from '../poll-controller.js';
import { href } from '../router.js';
import { clusterByZone } from '../map/zones.js';
import { STATE_ORDER, type StationState } from '../station-state.js';

/** No answer from `GET /api/map`: the bundled basemap, which needs nothing from elsewhere. */
const OFFLINE: MapSettings = { attribution: '' };
const RISK_POLL_MS = 10_000;

/**
 * The overview's map: Leaflet over a basemap (bundled offline, or MAP_STYLE_URL's tiles),
 * one marker per zone from far and one per station close up, the worst state on top, and
 * beside it the zones as a list (the same choices without a pointer). Leaflet and the basemap
 * load with the first map shown, in their own chunk.
 */
export class QtStationMap extends QtElement {
  static override properties = {
    stations: { attribute: false },
    states: { attribute: false },
    zone: { attribute: false },
    failed: { state: true },
    ready: { state: true },
    risks: { state: true },
  };
  declare stations: readonly StationSummary[];
  declare states: ReadonlyMap<string, StationState>;
  declare zone: string | undefined;
  declare failed: boolean;
  declare ready: boolean;
  /** Each zone's worst open incident (incidents/incident-view.ts): a ring on its marker, a link in the list. */
  declare risks: ReadonlyMap<string, ZoneRisk>;
  #view: MapView | undefined;
  #loading = false;
  #resize = new ResizeObserver(() => this.#view?.resized());

  constructor() {
    super();
    this.stations = [];
    this.states = new Map();
    this.zone = undefined;
    this.failed = false;
    this.ready = false;
    this.risks = new Map();
    new PollController(this, () => this.#loadRisks(), RISK_POLL_MS);
  }

  async #loadRisks(): Promise<void> {
    try {
      const { incidents } = await api<{ incidents: Incident[] }>('/api/incidents');
      this.risks = zoneRisk(incidents);
    } catch {
      // Keeps the last risks: the connection banner says the data is old.
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize.disconnect();
    this.#view?.destroy();
    this.#view = undefined;
    this.ready = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.#view) {
      void this.#open();
      return;
    }
    this.#view.update(this.stations, this.states, this.risks);
    if (changed.has('zone') && this.zone !== undefined) this.#view.showZone(this.zone);
  }

  async #open(): Promise<void> {
    if (this.#loading) return;
    this.#loading = true;
    try {
      const [{ MapView }, settings] = await Promise.all([import('../map/map-view.js'), api<MapSettings>('/api/map').catch(() => OFFLINE)]);
      const container = this.renderRoot.querySelector<HTMLElement>('.map');
      if (!this.isConnected || !container || this.#view) return;
      this.#view = new MapView(container, settings);
      this.#view.update(this.stations, this.states, this.risks);
      if (this.zone !== undefined) this.#view.showZone(this.zone);
      this.#resize.observe(container);
      await this.#view.loaded;
      this.ready = true;
    } catch {
      this.failed = true;
    } finally {
      this.#loading = false;
    }
  }

  protected override render(): TemplateResult {
    const zones = clusterByZone(this.stations, this.states).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    return html`<div class="bar">
        <button type="button" @click=${() => this.#view?.showCountry()} data-testid="map-country">${t('map_country')}</button>
        <span class="hint">${t('map_hint')}</span>
        <span class="legend">${STATE_ORDER.map((s) => html`<span class="badge st-${s}">${t(`state_${s}` as MessageKey)}</span>`)}</span>
      </div>
      <div class="body">
        <div>
          <div class="map" data-testid="map" data-ready=${this.ready ? 'yes' : 'no'} role="region" aria-label=${t('mapLabel')}></div>
          ${this.failed ? html`<p class="status" role="alert">${t('mapFailed')}</p>` : this.ready ? '' : html`<p class="status">${t('mapLoading')}</p>`}
        </div>
        <section aria-label=${t('mapZones')}>
          <ol class="zones">
            ${zones.map(
              (z) =>
                html`<li>
                  <button type="button" data-zone-button=${z.id} @click=${() => this.#view?.showZone(z.id)}>
                    <span class="badge st-${z.state}">${t(`state_${z.state}` as MessageKey)}</span> ${z.name}
                    <small>${z.province} · ${t('zoneStations', { n: z.stations.length })}</small>
                  </button>
                  ${
                    this.risks.has(z.id)
                      ? html`<a
                          class="incidents"
                          href=${href.incidents(z.id)}
                          data-zone-incidents=${z.id}
                          data-risk=${this.risks.get(z.id)!}
                          >${t('inc_zoneOpen')}</a
                        >`
                      : nothing
                  }
                </li>`,
            )}
          </ol>
        </section>
      </div>`;
  }

  static override styles = mapStyles;
}

customElements.define('qt-station-map', QtStationMap);

declare global {
  interface HTMLElementTagNameMap {
    'qt-station-map': QtStationMap;
  }
}
