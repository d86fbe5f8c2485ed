import { css } from 'lit';
import { severityStyles } from '../styles/severity.js';
import { dataTableStyles, disabledButtonStyles, linkStyles } from '../styles/shared.js';

/** Styles of qt-alerts-panel: tabs, notification toggles, the history and silences tables, the silence form. */
export const panelStyles = [
  severityStyles,
  css`
    :host {
      display: block;
      font-size: 0.85rem;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1.25rem;
      margin-bottom: 0.75rem;
    }
    nav {
      display: flex;
      gap: 0.25rem;
    }
    nav a {
      padding: 0.35rem 0.8rem;
      border-radius: 0.4rem;
      border: 1px solid var(--qt-border);
      color: var(--qt-brand);
      background: var(--qt-white);
      text-decoration: none;
    }
    nav a.on {
      background: var(--qt-brand);
      color: var(--qt-white);
    }
    .toggle {
      color: var(--qt-text-strong);
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.5rem 0.75rem;
      margin-bottom: 0.6rem;
    }
    .filters label {
      display: grid;
      gap: 0.15rem;
      color: var(--qt-text-muted);
      min-width: 0;
    }
    .filters select {
      font: inherit;
      padding: 0.25rem 0.35rem;
      border: 1px solid var(--qt-border);
      border-radius: 0.35rem;
      background: var(--qt-white);
      color: var(--qt-text);
      max-width: 100%;
    }
    .filters .shown {
      color: var(--qt-text-muted);
    }
    @media (max-width: 767px) {
      .filters label {
        flex: 1 1 45%;
        grid-template-columns: minmax(0, 1fr);
      }
      .filters select {
        width: 100%;
      }
      nav {
        flex-wrap: wrap;
      }
    }
  `,
  dataTableStyles,
  css`
    td {
      padding: 0.35rem 0.45rem;
      border-bottom: 1px solid var(--qt-border-light);
    }
    small {
      color: var(--qt-text-faint);
    }
    .sev {
      padding: 0.05rem 0.45rem;
      border-radius: 0.7rem;
      font-weight: 600;
      font-size: 0.75rem;
    }
    form.silence {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 0.75rem;
      align-items: end;
      margin-bottom: 0.75rem;
    }
    form.silence label {
      display: grid;
      gap: 0.15rem;
      color: var(--qt-text-muted);
    }
    input {
      font: inherit;
      padding: 0.3rem 0.4rem;
      border: 1px solid var(--qt-border);
      border-radius: 0.35rem;
    }
    button {
      font: inherit;
      padding: 0.35rem 0.8rem;
      border: 0;
      border-radius: 0.35rem;
      background: var(--qt-brand);
      color: var(--qt-white);
      cursor: pointer;
    }
  `,
  disabledButtonStyles,
  css`
    .error {
      color: var(--qt-critical);
    }
    .muted {
      color: var(--qt-text-faint);
    }
  `,
  linkStyles,
];
