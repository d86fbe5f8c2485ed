import * as L from 'leaflet';
import type { MapSettings } from '../../../../core/config-map.js';
import { t } from '../i18n/index.js';

/** Vietnam's frame: the initial view fits it (the mainland and its coastal islands). */
export const VIETNAM_BOUNDS = L.latLngBounds([8.2, 102.1], [23.4, 109.5]);

/** The bundled basemap, loaded with the map (its own chunk: the overview's table does not need it). */
async function loadBasemap(): Promise<GeoJSON.FeatureCollection> {
  const module = await import('./basemap-vn.json', { with: { type: 'json' } });
  return module.default as unknown as GeoJSON.FeatureCollection;
}

/**
 * The basemap under the markers: the configured tiles (MAP_STYLE_URL), or the bundled offline
 * one (neighbouring land, Vietnam's provinces, main rivers) drawn as vector paths whose
 * colours come from the theme through CSS classes (`bm-<kind>`).
 */
export async function addBasemap(map: L.Map, settings: MapSettings): Promise<void> {
  if (settings.tileUrl) {
    L.tileLayer(settings.tileUrl, { attribution: escapeText(settings.attribution), maxZoom: 18 }).addTo(map);
    return;
  }
  const basemap = await loadBasemap();
  L.geoJSON(basemap, {
    interactive: false,
    style: (feature) => ({ className: `bm-${String(feature?.properties?.['kind'] ?? 'land')}` }),
  }).addTo(map);
}

/** The offline basemap's credit in the page's language (replaces the previous one). */
export function setBasemapCredit(map: L.Map, previous: string | undefined): string {
  const credit = escapeText(t('mapBasemapCredit'));
  if (previous === credit) return credit;
  if (previous !== undefined) map.attributionControl.removeAttribution(previous);
  map.attributionControl.addAttribution(credit);
  return credit;
}

/** Attribution is set as HTML by Leaflet: the configured text is shown as text. */
function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
