import { css } from 'lit';
import { stateBadgeStyles } from './state-styles.js';

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
    background: #fff;
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
    background: #e8edf2;
    color: #334155;
    text-align: left;
    font-weight: 600;
    padding: 0.5rem 0.45rem;
    border-bottom: 2px solid #cbd5e1;
    white-space: nowrap;
  }
  thead th.parameters {
    grid-column: 4 / -2;
  }
  thead small {
    display: block;
    font-weight: 400;
    color: #64748b;
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
    background: #f1f5f9;
    color: #0f3d5e;
    font-size: 0.95rem;
    border-top: 1px solid #cbd5e1;
  }
  tr.zone .province,
  tr.zone .count {
    margin-left: 0.75rem;
    font-weight: 400;
    color: #64748b;
    font-size: 0.85rem;
  }
  tr.station {
    border-bottom: 1px solid #e2e8f0;
  }
  tr.station:hover {
    background: #f8fafc;
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
    color: #475569;
  }
  td.kind {
    white-space: nowrap;
    color: #475569;
  }
  td.kind.stack {
    color: #6b4f1d;
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
    color: #64748b;
  }
  td.value .unit {
    color: #64748b;
    font-size: 0.8rem;
  }
  td.value.empty {
    color: #94a3b8;
  }
  td.value.near {
    background: #fff4d6;
  }
  td.value.near .number {
    color: #9a5b00;
    font-weight: 600;
  }
  td.value.breach {
    background: #fde2e1;
  }
  td.value.breach .number {
    color: #b3261e;
    font-weight: 700;
  }
  td.value.s01 .number,
  td.value.s02 .number {
    color: #64748b;
  }
  td.value .status {
    display: block;
    width: fit-content;
    margin-top: 0.1rem;
    padding: 0 0.3rem;
    border-radius: 0.25rem;
    font-size: 0.7rem;
    background: #e0e7ff;
    color: #3730a3;
  }
  td.value.s02 .status {
    background: #fee2e2;
    color: #991b1b;
  }
  td.time {
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
    font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
  }
  tr.stale td.time {
    color: #b45309;
  }
  tr.stale th.name .stale-note {
    display: block;
    color: #b45309;
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
