import { css } from 'lit';
import { stateBadgeStyles } from '../styles/states.js';

/**
 * Styles of qt-station-table. With 2,000 stations a real table layout costs hundreds of ms
 * a frame: any changed cell re-lays out every row. So the table's parts are grids sharing
 * one set of tracks, and each row is `content-visibility: auto`, which lets the browser skip
 * rows that are off screen. The elements keep their table tags and get explicit ARIA roles,
 * since a changed `display` may drop the implicit ones.
 */
export const stationTableStyles = css`
  :host {
    display: block;
    font-size: 0.875rem;
    --columns: minmax(10rem, 16rem) 7.5rem 5.5rem repeat(var(--parameter-columns, 8), minmax(7.5rem, 1fr)) 7rem;
  }
  table {
    display: block;
    min-width: max-content;
    background: var(--qt-white);
  }
  thead,
  tbody {
    display: block;
  }
  thead {
    position: sticky;
    top: 0;
    z-index: 1;
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
    white-space: nowrap;
  }
  thead th.parameters {
    grid-column: 4 / -2;
  }
  thead small {
    display: block;
    font-weight: 400;
    color: var(--qt-text-faint);
  }
  .time {
    grid-column: -2 / -1;
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
    color: var(--qt-text-faint);
    font-size: 0.85rem;
  }
  tr.station {
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
  td.value {
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
  }
  /* The parameter symbol heads each cell; drawn by CSS so the cell's text is "value unit". */
  td.value::before {
    content: attr(data-parameter);
    display: block;
    font-size: 0.7rem;
    color: var(--qt-text-faint);
  }
  td.value .unit {
    color: var(--qt-text-faint);
    font-size: 0.8rem;
  }
  td.value.empty {
    color: var(--qt-text-ghost);
  }
  td.value.near {
    background: var(--qt-near-bg);
  }
  td.value.near .number {
    color: var(--qt-near-text);
    font-weight: 600;
  }
  td.value.breach {
    background: var(--qt-breach-bg);
  }
  td.value.breach .number {
    color: var(--qt-critical);
    font-weight: 700;
  }
  td.value.s01 .number,
  td.value.s02 .number {
    color: var(--qt-text-faint);
  }
  td.value .status {
    display: block;
    width: fit-content;
    margin-top: 0.1rem;
    padding: 0 0.3rem;
    border-radius: 0.25rem;
    font-size: 0.7rem;
    background: var(--qt-status-bg);
    color: var(--qt-status-text);
  }
  td.value.s02 .status {
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
`;
