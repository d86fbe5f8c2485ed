import * as L from 'leaflet';
import type { StationSummary } from '../../../../core/index.js';
import { t, type MessageKey } from '../i18n/index.js';
import { href } from '../router.js';
import type { StationState } from '../station-state.js';
import { zIndexOffset, type ZoneCluster } from './zones.js';

/** A zone's risk from its open incidents (incidents/incident-view.ts `zoneRisk`): their worst severity. */
export type ZoneRisk = 'none' | 'warning' | 'critical';

const stateText = (state: StationState): string => t(`state_${state}` as MessageKey);

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The marker's element, set up once Leaflet has made it (the layer is on the map). */
function decorate(marker: L.Marker, attrs: Record<string, string>): void {
  const el = marker.getElement();
  if (!el) return;
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
}

/**
 * A zone seen from far: a disc with its number of stations in its worst state's colour, above
 * every marker of a better state; a click, Enter or Space zooms to its stations.
 */
export function zoneMarker(
  layer: L.LayerGroup,
  zone: ZoneCluster,
  nf: Intl.NumberFormat,
  onOpen: (z: ZoneCluster) => void,
  risk: ZoneRisk = 'none',
): L.Marker {
  const n = zone.stations.length;
  const size = Math.round(30 + Math.min(18, Math.sqrt(n) * 4));
  const label = `${t('mapZoneMarker', { zone: zone.name, province: zone.province, n: nf.format(n), state: stateText(zone.state) })}; ${t(`inc_mapRisk_${risk}`)}`;
  const marker = L.marker([zone.lat, zone.lon], {
    icon: L.divIcon({
      className: `qt-marker zone st-${zone.state} risk-${risk}`,
      html: `<span aria-hidden="true">${escapeHtml(nf.format(n))}</span>`,
      iconSize: [size, size],
    }),
    keyboard: true,
    riseOnHover: false,
    zIndexOffset: zIndexOffset(zone.state),
  });
  marker.on('click', () => onOpen(zone));
  layer.addLayer(marker);
  decorate(marker, { 'data-zone': zone.id, 'data-state': zone.state, 'data-risk': risk, 'aria-label': label, title: label });
  marker.getElement()?.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    onOpen(zone);
  });
  return marker;
}

/** One station, close up: a link to its page in its state's colour, above every better state. */
export function stationMarker(layer: L.LayerGroup, station: StationSummary, state: StationState): L.Marker {
  const label = t('mapStationMarker', { id: station.id, name: station.name, state: stateText(state) });
  const marker = L.marker([station.lat, station.lon], {
    icon: L.divIcon({
      className: `qt-marker station st-${state}`,
      html: `<a href="${escapeHtml(href.station(station.id))}" aria-label="${escapeHtml(label)}" title="${escapeHtml(label)}"></a>`,
      iconSize: [22, 22],
    }),
    // The link inside is the one keyboard stop (and what a screen reader announces).
    keyboard: false,
    zIndexOffset: zIndexOffset(state),
  });
  layer.addLayer(marker);
  decorate(marker, { 'data-map-station': station.id, 'data-state': state });
  return marker;
}
