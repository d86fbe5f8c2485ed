import { css } from 'lit';

/** The alert tables' common look (open alerts, history, silences): full width, a grey head row. */
export const dataTableStyles = css`
  table {
    width: 100%;
    border-collapse: collapse;
    background: var(--qt-white);
  }
  th {
    text-align: left;
    background: var(--qt-table-head);
    padding: 0.45rem;
  }
`;

/** A button that the user's role does not allow: visible, greyed. */
export const disabledButtonStyles = css`
  button[disabled] {
    opacity: 0.45;
    cursor: not-allowed;
  }
`;

/** Links in the content (not the header). */
export const linkStyles = css`
  a {
    color: var(--qt-link);
  }
`;
