import { css } from 'lit';
import { severityStyles } from '../styles/severity.js';
import { alertCardsStyles } from './alert-cards-styles.js';
import { dataTableStyles, disabledButtonStyles, linkStyles, visuallyHiddenStyles } from '../styles/shared.js';

/** Styles of qt-alert-list: the table of open alerts, their badges, actions and inline forms. */
export const alertListStyles = [
  severityStyles,
  dataTableStyles,
  css`
    :host {
      display: block;
      font-size: 0.85rem;
    }
    th {
      color: var(--qt-text-strong);
      font-weight: 600;
    }
    td {
      padding: 0.4rem 0.45rem;
      border-bottom: 1px solid var(--qt-border-light);
      vertical-align: top;
    }
    tr.critical td:first-child {
      box-shadow: inset 4px 0 var(--qt-critical);
    }
    tr.warning td:first-child {
      box-shadow: inset 4px 0 var(--qt-warning);
    }
    .sev {
      display: inline-block;
      white-space: nowrap;
      padding: 0.05rem 0.45rem;
      border-radius: 0.7rem;
      font-weight: 600;
      font-size: 0.75rem;
    }
    .sub {
      color: var(--qt-text-faint);
      font-size: 0.75rem;
    }
    .num {
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .unit {
      color: var(--qt-text-faint);
    }
    .message {
      max-width: 22rem;
    }
    .actions {
      white-space: nowrap;
    }
    button {
      font: inherit;
      font-size: 0.8rem;
      padding: 0.2rem 0.55rem;
      border-radius: 0.35rem;
      border: 1px solid var(--qt-brand);
      background: var(--qt-brand);
      color: var(--qt-white);
      cursor: pointer;
      margin: 0 0.2rem 0.2rem 0;
    }
    button[data-testid='silence'],
    form button[type='button'] {
      background: var(--qt-white);
      color: var(--qt-brand);
    }
  `,
  disabledButtonStyles,
  css`
    form.inline {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      margin-top: 0.3rem;
    }
    form.inline input {
      font: inherit;
      font-size: 0.8rem;
      padding: 0.2rem 0.35rem;
      border: 1px solid var(--qt-border);
      border-radius: 0.3rem;
    }
    form.inline input[type='number'] {
      width: 5rem;
    }
    .error {
      color: var(--qt-critical);
      white-space: normal;
    }
    .ok {
      color: var(--qt-ok);
    }
  `,
  linkStyles,
  css`
    .empty {
      color: var(--qt-text-muted);
    }
  `,
  visuallyHiddenStyles,
  alertCardsStyles,
];
