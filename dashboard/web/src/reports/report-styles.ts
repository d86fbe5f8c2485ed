import { css } from 'lit';

/**
 * Shared look of the report pages, on screen and on paper. Print: A4 portrait (the page box
 * itself is set in the document, see print-page.ts), black on white, no buttons, table
 * headers repeated on every page, rows never split across pages.
 */
export const reportStyles = css`
  :host {
    display: block;
    color: #1d2733;
    font-size: 0.9rem;
    font-family: inherit;
  }
  header.report-head {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    justify-content: space-between;
    gap: 0.5rem 1.5rem;
    margin-bottom: 0.75rem;
  }
  h1 {
    margin: 0 0 0.25rem;
    font-size: 1.2rem;
  }
  h2 {
    margin: 1.25rem 0 0.4rem;
    font-size: 1rem;
  }
  .meta {
    margin: 0;
    color: #475569;
  }
  .meta span + span::before {
    content: ' · ';
  }
  .actions {
    display: flex;
    gap: 0.5rem;
  }
  .actions a,
  .actions button {
    font: inherit;
    padding: 0.3rem 0.8rem;
    border: 1px solid #0f3d5e;
    border-radius: 0.3rem;
    background: #fff;
    color: #0f3d5e;
    text-decoration: none;
    cursor: pointer;
  }
  .validity-note {
    margin: 0.5rem 0;
    padding: 0.4rem 0.6rem;
    border-left: 3px solid #b45309;
    background: #fffbeb;
    font-size: 0.85rem;
  }
  .validity-note button {
    font: inherit;
    font-size: 0.8rem;
    margin-left: 0.5rem;
    padding: 0 0.4rem;
    border: 1px solid #b45309;
    border-radius: 0.25rem;
    background: none;
    color: #92400e;
    cursor: pointer;
  }
  .validity-note ul {
    display: none;
    margin: 0.25rem 0 0;
    padding-left: 1.2rem;
  }
  .validity-note ul.open {
    display: block;
  }
  .table-wrap {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
    font-size: 0.85rem;
  }
  caption {
    caption-side: top;
    text-align: left;
    padding: 0.2rem 0;
    font-size: 0.75rem;
    color: #92400e;
  }
  th,
  td {
    border: 1px solid #cbd5e1;
    padding: 0.2rem 0.45rem;
    text-align: right;
    white-space: nowrap;
  }
  th {
    background: #eef2f6;
    font-weight: 600;
    text-align: center;
  }
  th[scope='row'],
  td.text {
    text-align: left;
  }
  tr.group th {
    text-align: left;
    background: #dbe6f0;
  }
  .invalid {
    color: #64748b;
  }
  .exceeds {
    color: #b3261e;
    font-weight: 700;
  }
  .pending {
    color: #94a3b8;
  }
  .legend {
    font-size: 0.75rem;
    color: #475569;
  }
  .notice {
    color: #475569;
  }
  .notice.error {
    color: #b3261e;
  }

  @media print {
    :host {
      color: #000;
      font-size: 9pt;
    }
    .actions,
    .validity-note button,
    .no-print {
      display: none !important;
    }
    .validity-note {
      background: none;
      border-left-color: #000;
    }
    /* The rules travel with the figures on paper, whether opened on screen or not. */
    .validity-note ul {
      display: block;
    }
    .table-wrap {
      overflow: visible;
    }
    table {
      width: 100%;
      font-size: 8pt;
    }
    th,
    td {
      padding: 1pt 3pt;
      border-color: #777;
    }
    th {
      background: #eee !important;
      -webkit-print-color-adjust: exact;
      print-color-adjust: exact;
    }
    thead {
      display: table-header-group;
    }
    tr {
      break-inside: avoid;
    }
    h2 {
      break-after: avoid;
    }
    section {
      break-inside: auto;
    }
    .exceeds {
      color: #000;
      text-decoration: underline;
    }
  }
`;
