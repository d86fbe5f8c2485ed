import { css } from 'lit';
import { stateBadgeStyles } from '../styles/states.js';
import { stationCardStyles } from './station-card-styles.js';

/**
 * Styles of qt-station-table. With 2,000 stations a real table layout costs hundreds of ms
 * a frame: any changed cell re-lays out every row. So the table's parts are grids sharing
 * one set of tracks, and each row is `content-visibility: auto`, which lets the browser skip
 * rows that are off screen. The elements keep their table tags and get explicit ARIA roles,
 * since a changed `display` may drop the implicit ones.
 *
 * The parameters share one cell (chips that wrap), so the table fits a 1,440 px window. Above
 * 768 px the element is its own scroll container, bounded by the window's height, so that the
 * head row stays on top and the station and time columns stay pinned (sticky) if it is ever
 * narrower than its content; below, every station is a card and the page scrolls.
 */
export const stationTableStyles = css`
  :host {
    display: block;
    font-size: 0.875rem;
    overflow: auto;
    max-height: max(20rem, calc(100dvh - 11rem));
    border: 1px solid var(--qt-border-light);
    --columns: minmax(9rem, 18rem) 7.5rem 5.5rem minmax(12rem, 1fr) 7rem;
  }
  table {
    display: block;
    /* The tracks' minimum widths: narrower than that, the element scrolls, the page does not. */
    min-width: 41rem;
    background: var(--qt-white);
  }
  thead,
  tbody {
    display: block;
  }
  thead {
    position: sticky;
    top: 0;
    z-index: 2;
  }
  tr {
    display: grid;
    grid-template-columns: var(--columns);
  }
  tbody tr {
    content-visibility: auto;
    contain-intrinsic-size: auto 3.25rem;
  }
  thead th {
    background: var(--qt-table-head);
    color: var(--qt-text-strong);
    text-align: left;
    font-weight: 600;
    padding: 0.5rem 0.45rem;
    border-bottom: 2px solid var(--qt-border);
  }
  thead small {
    display: block;
    font-weight: 400;
    color: var(--qt-text-muted);
  }
  /* Pinned: the station names on the left, the times on the right. */
  th.name,
  thead th:first-child {
    position: sticky;
    left: 0;
    z-index: 1;
  }
  .time {
    position: sticky;
    right: 0;
  }
  tr.station > th.name,
  tr.station > td.time {
    background: var(--qt-white);
  }
  tr.station:hover > th.name,
  tr.station:hover > td.time {
    background: var(--qt-row-hover);
  }
  tr.zone {
    display: block;
    contain-intrinsic-size: auto 2.25rem;
  }
  tr.zone th {
    display: block;
    text-align: left;
    padding: 0.6rem 0.45rem 0.35rem;
    background: var(--qt-zone-row);
    color: var(--qt-brand);
    font-size: 0.95rem;
    border-top: 1px solid var(--qt-border);
  }
  tr.zone .province,
  tr.zone .count {
    margin-left: 0.75rem;
    font-weight: 400;
    color: var(--qt-text-muted);
    font-size: 0.85rem;
  }
  /* On the cells, not the row: the pinned cells' background would hide a row's border. */
  tr.station > * {
    border-bottom: 1px solid var(--qt-border-light);
  }
  tr.station:hover {
    background: var(--qt-row-hover);
  }
  tr.station > * {
    padding: 0.3rem 0.45rem;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  th.name {
    text-align: left;
    font-weight: 400;
  }
  th.name .id {
    display: block;
    font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
    font-size: 0.8rem;
    color: var(--qt-text-muted);
  }
  td.kind {
    white-space: nowrap;
    color: var(--qt-text-muted);
  }
  td.kind.stack {
    color: var(--qt-kind-stack);
  }
  ul.chips {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  li.value {
    display: inline-flex;
    align-items: baseline;
    gap: 0.3rem;
    padding: 0.1rem 0.4rem;
    border: 1px solid var(--qt-border-light);
    border-radius: 0.3rem;
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
  }
  li.value .symbol {
    font-size: 0.75rem;
    color: var(--qt-text-muted);
  }
  li.value .unit {
    color: var(--qt-text-muted);
    font-size: 0.8rem;
  }
  li.value.empty {
    color: var(--qt-text-muted);
  }
  li.value.near {
    background: var(--qt-near-bg);
  }
  li.value.near .number {
    color: var(--qt-near-text);
    font-weight: 600;
  }
  li.value.breach {
    background: var(--qt-breach-bg);
  }
  li.value.breach .number {
    color: var(--qt-critical);
    font-weight: 700;
  }
  li.value.s01 .number,
  li.value.s02 .number {
    color: var(--qt-text-muted);
  }
  li.value .status {
    padding: 0 0.3rem;
    border-radius: 0.25rem;
    font-size: 0.7rem;
    background: var(--qt-status-bg);
    color: var(--qt-status-text);
  }
  li.value.s02 .status {
    background: var(--qt-fault-bg);
    color: var(--qt-fault-text);
  }
  td.time {
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
    font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
  }
  tr.stale td.time {
    color: var(--qt-stale);
  }
  tr.stale th.name .stale-note {
    display: block;
    color: var(--qt-stale);
    font-size: 0.75rem;
    white-space: normal;
  }
  th.name a,
  tr.zone a {
    color: inherit;
    text-decoration: none;
  }
  th.name a:hover .label,
  tr.zone a:hover {
    text-decoration: underline;
  }
  td.state .badge {
    display: inline-block;
    padding: 0.1rem 0.45rem;
    border-radius: 0.75rem;
    font-size: 0.75rem;
    font-weight: 600;
    white-space: nowrap;
  }
  ${stateBadgeStyles}
  ${stationCardStyles}
`;
