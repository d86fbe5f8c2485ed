import { css } from 'lit';

/**
 * The open alerts' bulk bar, checkbox column and duration; below 768 px the table becomes one
 * card per alert (each cell labelled by its column, the actions at the bottom) so a phone
 * never scrolls sideways.
 */
export const alertCardsStyles = css`
  form.bulk {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem 0.8rem;
    margin: 0 0 0.5rem;
    color: var(--qt-text-strong);
  }
  form.bulk input[name='note'] {
    font: inherit;
    font-size: 0.8rem;
    padding: 0.25rem 0.4rem;
    border: 1px solid var(--qt-border);
    border-radius: 0.3rem;
    flex: 1 1 14rem;
    min-width: 0;
    max-width: 28rem;
  }
  .pick {
    width: 1.8rem;
    text-align: center;
  }
  .pick input,
  form.bulk input[type='checkbox'] {
    width: 1.1rem;
    height: 1.1rem;
  }
  @media (max-width: 767px) {
    table,
    tbody,
    tr,
    td {
      display: block;
      width: auto;
    }
    thead {
      display: none;
    }
    tr {
      position: relative;
      margin: 0 0 0.6rem;
      padding: 0.4rem 0.5rem 0.4rem 0.8rem;
      border: 1px solid var(--qt-border);
      border-radius: 0.4rem;
      background: var(--qt-white);
    }
    tr.critical {
      box-shadow: inset 4px 0 var(--qt-critical);
    }
    tr.warning {
      box-shadow: inset 4px 0 var(--qt-warning);
    }
    tr.critical td:first-child,
    tr.warning td:first-child {
      box-shadow: none;
    }
    td {
      padding: 0.2rem 0;
      border: 0;
      overflow-wrap: anywhere;
    }
    td[data-label]::before {
      content: attr(data-label) ': ';
      color: var(--qt-text-muted);
      font-size: 0.75rem;
    }
    td.pick {
      position: absolute;
      top: 0.4rem;
      right: 0.5rem;
      width: auto;
    }
    .message {
      max-width: none;
    }
    .actions {
      white-space: normal;
      padding-top: 0.35rem;
    }
    .actions button {
      min-height: 2.25rem;
    }
    form.inline input {
      flex: 1 1 8rem;
      min-width: 0;
    }
  }
`;
