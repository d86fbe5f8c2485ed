import { css } from 'lit';

/**
 * Shared look of the report pages, on screen and on paper. Print: A4 portrait (the page box
 * itself is set in the document, see print-page.ts), black on white, no buttons, table
 * headers repeated on every page, rows never split across pages.
 */
export const reportStyles = css`
  :host {
    display: block;
    color: var(--qt-text);
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
    color: var(--qt-text-muted);
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
    border: 1px solid var(--qt-brand);
    border-radius: 0.3rem;
    background: var(--qt-white);
    color: var(--qt-brand);
    text-decoration: none;
    cursor: pointer;
  }
  .validity-note {
    margin: 0.5rem 0;
    padding: 0.4rem 0.6rem;
    border-left: 3px solid var(--qt-stale);
    background: var(--qt-note-bg);
    font-size: 0.85rem;
  }
  .validity-note button {
    font: inherit;
    font-size: 0.8rem;
    margin-left: 0.5rem;
    padding: 0 0.4rem;
    border: 1px solid var(--qt-stale);
    border-radius: 0.25rem;
    background: none;
    color: var(--qt-note-text);
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
    color: var(--qt-note-text);
  }
  th,
  td {
    border: 1px solid var(--qt-border);
    padding: 0.2rem 0.45rem;
    text-align: right;
    white-space: nowrap;
  }
  th {
    background: var(--qt-report-head);
    font-weight: 600;
    text-align: center;
  }
  th[scope='row'],
  td.text {
    text-align: left;
  }
  tr.group th {
    text-align: left;
    background: var(--qt-report-group);
  }
  .invalid {
    color: var(--qt-text-faint);
  }
  .exceeds {
    color: var(--qt-critical);
    font-weight: 700;
  }
  .pending {
    color: var(--qt-text-ghost);
  }
  .legend {
    font-size: 0.75rem;
    color: var(--qt-text-muted);
  }
  .notice {
    color: var(--qt-text-muted);
  }
  .notice.error {
    color: var(--qt-critical);
  }

  @media print {
    :host {
      color: var(--qt-black);
      font-size: 9pt;
    }
    .actions,
    .validity-note button,
    .no-print {
      display: none !important;
    }
    .validity-note {
      background: none;
      border-left-color: var(--qt-black);
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
      border-color: var(--qt-print-border);
    }
    th {
      background: var(--qt-print-head) !important;
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
      color: var(--qt-black);
      text-decoration: underline;
    }
  }
`;
