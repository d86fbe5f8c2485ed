import { css } from 'lit';
import { stateBadgeStyles } from '../styles/states.js';

/** Styles of qt-station-page: header, parameter cards, chart section, availability bars, alerts. */
export const stationPageStyles = [
  stateBadgeStyles,
  css`
    :host {
      display: block;
      font-size: 0.9rem;
    }
    a {
      color: var(--qt-link);
    }
    .crumbs {
      margin: 0 0 0.4rem;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      gap: 0.5rem 2rem;
      margin-bottom: 0.75rem;
    }
    h2 {
      margin: 0;
      font-size: 1.3rem;
      color: var(--qt-brand);
    }
    .badge {
      font-size: 0.8rem;
      padding: 0.1rem 0.55rem;
      border-radius: 0.75rem;
      vertical-align: middle;
    }
    .id {
      margin: 0.2rem 0;
      font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
      font-size: 0.85rem;
      color: var(--qt-text-muted);
    }
    .meta {
      margin: 0;
      color: var(--qt-text-muted);
      font-size: 0.85rem;
    }
    .reports {
      display: flex;
      gap: 0.4rem;
      align-items: start;
    }
    .reports a {
      padding: 0.35rem 0.7rem;
      border: 1px solid var(--qt-link);
      border-radius: 0.35rem;
      text-decoration: none;
      background: var(--qt-white);
    }
    .cards {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(12.5rem, 1fr));
      gap: 0.6rem;
      margin-bottom: 1rem;
    }
    .card {
      display: block;
      padding: 0.6rem 0.75rem;
      border-radius: 0.5rem;
      background: var(--qt-white);
      border: 1px solid var(--qt-border-light);
      color: inherit;
      text-decoration: none;
    }
    .card.selected {
      border-color: var(--qt-brand);
      box-shadow: 0 0 0 2px var(--qt-brand-glow);
    }
    .card.near {
      background: var(--qt-near-bg);
    }
    .card.breach {
      background: var(--qt-breach-bg);
    }
    .card.breach .value {
      color: var(--qt-critical);
    }
    .card.s01 .value,
    .card.s02 .value {
      color: var(--qt-text-faint);
    }
    .sym {
      font-weight: 600;
      color: var(--qt-text-strong);
    }
    .sym small {
      font-weight: 400;
      color: var(--qt-text-faint);
    }
    .value {
      font-size: 1.5rem;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
      margin: 0.15rem 0 0.3rem;
    }
    .unit {
      font-size: 0.8rem;
      font-weight: 400;
      color: var(--qt-text-faint);
    }
    dl {
      margin: 0;
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0.2rem 0.6rem;
      font-size: 0.78rem;
    }
    dt {
      color: var(--qt-text-faint);
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    section.chart {
      background: var(--qt-white);
      border: 1px solid var(--qt-border-light);
      border-radius: 0.5rem;
      padding: 0.75rem;
      margin-bottom: 1rem;
    }
    .chart-head {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      margin-bottom: 0.4rem;
    }
    h3 {
      margin: 0 0 0.4rem;
      font-size: 1rem;
      color: var(--qt-brand);
    }
    h3 small {
      font-weight: 400;
      color: var(--qt-text-faint);
    }
    .ranges button,
    .custom button {
      font: inherit;
      font-size: 0.8rem;
      padding: 0.25rem 0.6rem;
      border: 1px solid var(--qt-border);
      background: var(--qt-white);
      border-radius: 0.35rem;
      cursor: pointer;
    }
    .ranges button.on {
      background: var(--qt-brand);
      color: var(--qt-white);
      border-color: var(--qt-brand);
    }
    .custom {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      font-size: 0.8rem;
    }
    .custom input {
      font: inherit;
    }
    .lower {
      display: grid;
      grid-template-columns: minmax(16rem, 1fr) 2fr;
      gap: 1rem;
    }
    @media (max-width: 60rem) {
      .lower {
        grid-template-columns: 1fr;
      }
    }
    .availability,
    .alerts {
      background: var(--qt-white);
      border: 1px solid var(--qt-border-light);
      border-radius: 0.5rem;
      padding: 0.75rem;
    }
    .bars {
      display: grid;
      gap: 0.3rem;
    }
    .bar {
      display: grid;
      grid-template-columns: 3.5rem 1fr 4rem;
      gap: 0.5rem;
      align-items: center;
      font-size: 0.8rem;
    }
    .track {
      height: 0.55rem;
      background: var(--qt-border-light);
      border-radius: 0.3rem;
      overflow: hidden;
    }
    .fill {
      display: block;
      height: 100%;
      background: var(--qt-ok);
    }
    .fill.low {
      background: var(--qt-warning);
    }
    .pct {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .note {
      font-size: 0.75rem;
      color: var(--qt-text-faint);
    }
  `,
];
