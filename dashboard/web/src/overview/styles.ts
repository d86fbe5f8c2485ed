import { css } from 'lit';
import { stateBadgeStyles } from '../styles/states.js';
import { linkStyles } from '../styles/shared.js';

/** Styles of qt-overview: the filters bar, the state counts, the view switch, a zone's heading. */
export const overviewStyles = [
  stateBadgeStyles,
  css`
    :host {
      display: block;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.5rem 0.9rem;
      margin-bottom: 0.75rem;
      font-size: 0.85rem;
    }
    label {
      display: grid;
      gap: 0.15rem;
      color: var(--qt-text-muted);
    }
    select,
    input {
      font: inherit;
      padding: 0.3rem 0.4rem;
      border: 1px solid var(--qt-border);
      border-radius: 0.35rem;
      background: var(--qt-white);
    }
    input[type='search'] {
      min-width: 14rem;
    }
    .shown {
      color: var(--qt-text-muted);
      padding-bottom: 0.35rem;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem;
    }
    .badge {
      font: inherit;
      font-size: 0.75rem;
      font-weight: 600;
      border: 2px solid transparent;
      border-radius: 0.75rem;
      padding: 0.1rem 0.5rem;
      cursor: pointer;
    }
    .badge.on {
      border-color: var(--qt-ink);
    }
    .views {
      margin-left: auto;
      display: flex;
      gap: 0.2rem;
    }
    .views a {
      padding: 0.3rem 0.7rem;
      border: 1px solid var(--qt-border);
      border-radius: 0.35rem;
      color: var(--qt-brand);
      text-decoration: none;
      background: var(--qt-white);
    }
    .views a.on {
      background: var(--qt-brand);
      color: var(--qt-white);
    }
    .zone-head {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.3rem 1rem;
      margin-bottom: 0.5rem;
    }
    .zone-head p {
      margin: 0;
      width: 100%;
    }
    .zone-head h2 {
      margin: 0;
      font-size: 1.2rem;
      color: var(--qt-brand);
    }
    .zone-head small {
      font-weight: 400;
      color: var(--qt-text-faint);
    }
    .notice {
      color: var(--qt-text-muted);
    }
    /* On a phone: two filters a row, the search across, so the first station shows sooner. */
    @media (max-width: 767.98px) {
      .filters {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0.4rem;
      }
      select,
      input[type='search'] {
        min-width: 0;
        width: 100%;
        box-sizing: border-box;
      }
      input[type='search'],
      .legend {
        grid-column: 1 / -1;
      }
      .legend {
        order: 1;
      }
      .shown {
        align-self: center;
        padding: 0;
      }
      .views {
        justify-self: end;
      }
    }
  `,
  linkStyles,
];
