import { css } from 'lit';
import { severityStyles } from '../styles/severity.js';
import { adminFormStyles, dataTableStyles, disabledButtonStyles, linkStyles, visuallyHiddenStyles } from '../styles/shared.js';

/** The incidents list and the incident page: tables, the severity badge, the actions. */
export const incidentStyles = [
  dataTableStyles,
  severityStyles,
  linkStyles,
  disabledButtonStyles,
  visuallyHiddenStyles,
  css`
    :host {
      display: block;
      color: var(--qt-text);
    }
    h2 {
      margin: 0 0 0.75rem;
      font-size: 1.2rem;
    }
    h3 {
      margin: 1.25rem 0 0.5rem;
      font-size: 1rem;
    }
    td {
      padding: 0.45rem;
      border-top: 1px solid var(--qt-border-light);
      vertical-align: top;
    }
    .sev {
      display: inline-block;
      padding: 0.1rem 0.45rem;
      border-radius: 0.3rem;
      font-weight: 600;
      white-space: nowrap;
    }
    .notice {
      color: var(--qt-text-muted);
    }
    .error {
      color: var(--qt-fault-text);
    }
    dl.facts {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.3rem 1rem;
      margin: 0.5rem 0 1rem;
    }
    dl.facts dt {
      color: var(--qt-text-muted);
    }
    dl.facts dd {
      margin: 0;
    }
    .projection {
      padding: 0.4rem 0.6rem;
      border-left: 3px solid var(--qt-stale);
      background: var(--qt-note-bg);
      color: var(--qt-note-text);
    }
    ol.timeline {
      margin: 0;
      padding-left: 1.25rem;
    }
    ol.timeline li {
      margin: 0.2rem 0;
    }
    time {
      font-variant-numeric: tabular-nums;
      color: var(--qt-text-strong);
    }
    .charts {
      display: grid;
      gap: 0.75rem;
    }
    .charts h4 {
      margin: 0 0 0.25rem;
      font-size: 0.95rem;
    }
    .head-links {
      display: flex;
      flex-wrap: wrap;
      gap: 1rem;
      margin: 0 0 0.75rem;
    }
  `,
];

/** The operator's forms on the incident page. */
export const incidentActionStyles = [
  adminFormStyles,
  css`
    .actions {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.75rem;
      padding: 0.75rem;
      background: var(--qt-white);
      border: 1px solid var(--qt-border-light);
      border-radius: 0.4rem;
    }
    form.close {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.5rem;
    }
    textarea {
      font: inherit;
      min-width: 16rem;
      padding: 0.3rem 0.5rem;
      border-radius: 0.35rem;
      border: 1px solid var(--qt-border);
    }
  `,
];
