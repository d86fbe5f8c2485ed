import * as L from 'leaflet';
import type { StationSummary } from '../../../../core/index.js';
import type { MapSettings } from '../../../../core/config-map.js';
import { lang, t } from '../i18n/index.js';
import type { StationState } from '../station-state.js';
import { addBasemap, setBasemapCredit, VIETNAM_BOUNDS } from './basemap-layer.js';
import { stationMarker, zoneMarker, type ZoneRisk } from './map-markers.js';
import { byRank, clusterByZone, stateOf, type ZoneCluster } from './zones.js';

/** From this zoom on, each station has its own marker; farther out, one marker per zone. */
export const STATION_ZOOM = 9;
const MAX_ZOOM = 14;

/**
 * The Leaflet map inside the overview's map element (loaded with it, in its own chunk): the
 * basemap, then the markers, redrawn when the stations, their states or the zoom change.
 */
export class MapView {
  readonly #map: L.Map;
  readonly #markers = L.layerGroup();
  readonly #zoom: L.Control.Zoom;
  #stations: readonly StationSummary[] = [];
  #states: ReadonlyMap<string, StationState> = new Map();
  #risks: ReadonlyMap<string, ZoneRisk> = new Map();
  #credit: string | undefined;
  #lang = lang();
  #drawn = '';
  readonly #offline: boolean;
  /** Settles when the basemap is drawn (or its tile layer added); rejects when the bundled one cannot load. */
  readonly loaded: Promise<void>;

  constructor(container: HTMLElement, settings: MapSettings) {
    this.#map = L.map(container, { zoomSnap: 0.25, zoomControl: false, maxZoom: MAX_ZOOM, minZoom: 4 });
    this.#zoom = this.#zoomControl().addTo(this.#map);
    this.#offline = !settings.tileUrl;
    this.#map.fitBounds(VIETNAM_BOUNDS);
    this.#markers.addTo(this.#map);
    this.#map.on('zoomend', () => this.#draw());
    this.loaded = addBasemap(this.#map, settings);
    if (this.#offline) this.#credit = setBasemapCredit(this.#map, undefined);
  }

  #zoomControl(): L.Control.Zoom {
    return L.control.zoom({ zoomInTitle: t('mapZoomIn'), zoomOutTitle: t('mapZoomOut') });
  }

  /** New stations or states (or language): the markers again. */
  update(
    stations: readonly StationSummary[],
    states: ReadonlyMap<string, StationState>,
    risks: ReadonlyMap<string, ZoneRisk> = new Map(),
  ): void {
    this.#stations = stations;
    this.#states = states;
    this.#risks = risks;
    if (this.#lang !== lang()) {
      this.#lang = lang();
      this.#zoom.remove();
      Object.assign(this.#zoom.options, { zoomInTitle: t('mapZoomIn'), zoomOutTitle: t('mapZoomOut') });
      this.#zoom.addTo(this.#map);
      if (this.#offline) this.#credit = setBasemapCredit(this.#map, this.#credit);
      this.#drawn = '';
    }
    this.#draw();
  }

  /** The whole country. */
  showCountry(): void {
    this.#map.fitBounds(VIETNAM_BOUNDS);
  }

  /** A zone's stations, close enough to show each one. */
  showZone(zoneId: string): void {
    const stations = this.#stations.filter((s) => s.zoneId === zoneId);
    if (stations.length === 0) return;
    const bounds = L.latLngBounds(stations.map((s) => [s.lat, s.lon] as [number, number]));
    const fit = this.#map.getBoundsZoom(bounds.pad(0.3));
    this.#map.setView(bounds.getCenter(), Math.min(MAX_ZOOM - 1, Math.max(STATION_ZOOM, fit)));
  }

  /** Leaflet measures its container: after the element's size changed. */
  resized(): void {
    this.#map.invalidateSize();
  }

  destroy(): void {
    this.#map.remove();
  }

  /**
   * Redraws only when what the markers show changed: the page passes new states often, and a
   * redraw would take the keyboard focus off a marker.
   */
  #draw(): void {
    const close = this.#map.getZoom() >= STATION_ZOOM;
    const risks = [...this.#risks].map(([z, r]) => `${z}:${r}`).join(',');
    const drawn = `${close}|${risks}|${this.#stations.map((s) => `${s.id}:${stateOf(this.#states, s.id)}`).join(',')}`;
    if (drawn === this.#drawn) return;
    this.#drawn = drawn;
    this.#markers.clearLayers();
    const nf = new Intl.NumberFormat(this.#lang === 'en' ? 'en-GB' : 'vi-VN');
    if (close) {
      for (const s of byRank(this.#stations, (s) => stateOf(this.#states, s.id))) {
        stationMarker(this.#markers, s, stateOf(this.#states, s.id));
      }
    } else {
      for (const z of clusterByZone(this.#stations, this.#states))
        zoneMarker(this.#markers, z, nf, (zone: ZoneCluster) => this.showZone(zone.id), this.#risks.get(z.id) ?? 'none');
    }
  }
}
