import { css } from 'lit';
import { stateBadgeStyles, stateMarkerStyles } from '../styles/states.js';

/** Styles of qt-station-map: the bar, the SVG (sea, land, islands, markers), the list of zones. */
export const stationMapStyles = [
  stateBadgeStyles,
  stateMarkerStyles,
  css`
    :host {
      display: block;
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
      color: var(--qt-text-faint);
    }
    .legend {
      margin-left: auto;
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
    }
    .badge {
      font-size: 0.72rem;
      font-weight: 600;
      padding: 0.05rem 0.45rem;
      border-radius: 0.7rem;
    }
    button {
      font: inherit;
      padding: 0.25rem 0.6rem;
      border: 1px solid var(--qt-border);
      border-radius: 0.35rem;
      background: var(--qt-white);
      cursor: pointer;
    }
    svg {
      display: block;
      background: var(--qt-sea);
      width: 100%;
      height: calc(100vh - 13rem);
      min-height: 24rem;
      border-radius: 0.5rem;
      border: 1px solid var(--qt-border);
    }
    .body {
      display: grid;
      grid-template-columns: 1fr minmax(14rem, 18rem);
      gap: 0.75rem;
    }
    .zones {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.3rem;
      align-content: start;
      font-size: 0.85rem;
    }
    .zones button {
      width: 100%;
      text-align: left;
    }
    .zones button.on {
      border-color: var(--qt-brand);
      box-shadow: 0 0 0 2px var(--qt-brand-glow);
    }
    .zones small {
      color: var(--qt-text-faint);
    }
    .sea {
      fill: var(--qt-sea);
    }
    .land {
      fill: var(--qt-row-hover);
      stroke: var(--qt-text-ghost);
      stroke-linejoin: round;
    }
    .islands circle {
      fill: var(--qt-text-ghost);
    }
    .islands text,
    .label {
      fill: var(--qt-text-strong);
    }
    circle.marker {
      stroke: var(--qt-white);
    }
    .zone {
      cursor: pointer;
    }
    .zone:focus circle,
    .zone:hover circle {
      stroke: var(--qt-ink);
    }
  `,
];
