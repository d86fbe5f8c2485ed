import { css, unsafeCSS, type CSSResult } from 'lit';
import leafletCss from 'leaflet/dist/leaflet.css?inline';
import { cssVar, STATE_COLOURS } from '../theme.js';
import { stateBadgeStyles } from '../styles/states.js';

/** Marker discs in their state's colours (the state is also in each marker's accessible name). */
const markerColours: CSSResult = unsafeCSS(
  Object.entries(STATE_COLOURS)
    .map(([state, c]) => `.qt-marker.st-${state} { background: ${cssVar(c.bg)}; color: ${cssVar(c.fg)}; }`)
    .join('\n'),
);

/** Styles of qt-station-map: Leaflet's own (inside the shadow root), the basemap, the markers, the zones list. */
export const mapStyles = [
  unsafeCSS(leafletCss),
  stateBadgeStyles,
  markerColours,
  css`
    :host {
      display: block;
    }
    .body {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(13rem, 17rem);
      gap: 0.75rem;
    }
    .map {
      /* Most of the window on any screen: a map is no strip. */
      height: max(60vh, calc(100vh - 14rem));
      min-height: 20rem;
      border-radius: 0.5rem;
      border: 1px solid var(--qt-border);
      background: var(--qt-sea);
      font: inherit;
    }
    .leaflet-container {
      background: var(--qt-sea);
      font: inherit;
      font-size: 0.75rem;
    }
    .leaflet-container a {
      color: var(--qt-link);
    }
    .bm-land {
      fill: var(--qt-map-neighbour);
      fill-opacity: 1;
      stroke: var(--qt-map-border);
      stroke-width: 0.6;
    }
    .bm-province,
    .bm-islands {
      fill: var(--qt-map-land);
      fill-opacity: 1;
      stroke: var(--qt-map-border);
      stroke-width: 0.8;
    }
    .bm-river {
      fill: none;
      stroke: var(--qt-map-river);
      stroke-width: 1.2;
    }
    .qt-marker {
      display: grid;
      place-items: center;
      border-radius: 50%;
      border: 2px solid var(--qt-white);
      box-shadow: 0 0 0 1px var(--qt-ink);
      font-weight: 700;
      font-size: 0.8rem;
      box-sizing: border-box;
    }
    .qt-marker.zone {
      cursor: pointer;
    }
    /* A zone with an open incident: a ring in the incident's severity, around its state's disc. */
    .qt-marker.zone.risk-warning {
      box-shadow:
        0 0 0 2px var(--qt-ink),
        0 0 0 6px var(--qt-warning);
    }
    .qt-marker.zone.risk-critical {
      box-shadow:
        0 0 0 2px var(--qt-ink),
        0 0 0 6px var(--qt-critical);
    }
    .zones .incidents {
      display: inline-block;
      margin: 0.15rem 0 0 0.6rem;
      color: var(--qt-link);
      font-size: 0.8rem;
    }
    .qt-marker a {
      display: block;
      width: 100%;
      height: 100%;
      border-radius: 50%;
    }
    .qt-marker:focus-visible,
    .qt-marker a:focus-visible {
      outline: 3px solid var(--qt-ink);
      outline-offset: 2px;
    }
    .status {
      color: var(--qt-text-muted);
      font-size: 0.85rem;
    }
    .zones {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.3rem;
      align-content: start;
      font-size: 0.85rem;
      max-height: max(60vh, calc(100vh - 14rem));
      overflow-y: auto;
    }
    .zones h3 {
      margin: 0;
      font-size: 0.9rem;
    }
    /* The zone list's buttons look like the bar's, one per line. */
    .zones button,
    .zones button {
      width: 100%;
      text-align: left;
    }
    .zones small {
      color: var(--qt-text-muted);
    }
    .badge {
      font-size: 0.72rem;
      font-weight: 600;
      padding: 0.05rem 0.45rem;
      border-radius: 0.7rem;
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 0.8rem;
      margin-bottom: 0.5rem;
      font-size: 0.85rem;
    }
    .hint {
      color: var(--qt-text-muted);
    }
    .legend {
      margin-left: auto;
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
    }
    @media (max-width: 767px) {
      /* A phone's screen is for the map: the hint says what the markers' names say already. */
      .hint {
        display: none;
      }
      .body {
        grid-template-columns: 1fr;
      }
      .map {
        height: 65vh;
      }
      .zones {
        max-height: none;
      }
    }
  `,
];
