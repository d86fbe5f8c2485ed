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

/** The admin pages (users, audit log): their heading, filter and add forms: labelled fields, a brand button. */
export const adminFormStyles = css`
  h2 {
    font-size: 1.2rem;
    color: var(--qt-brand);
  }
  form {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: end;
    margin-bottom: 0.75rem;
  }
  label {
    display: grid;
    gap: 0.15rem;
    color: var(--qt-text-muted);
  }
  input,
  select,
  button {
    font: inherit;
    padding: 0.3rem 0.5rem;
    border-radius: 0.35rem;
    border: 1px solid var(--qt-border);
  }
  button {
    background: var(--qt-brand);
    color: var(--qt-white);
    border-color: var(--qt-brand);
    cursor: pointer;
  }
`;

/** Text for screen readers only (a caption, a column's or a list's title): in the page, not seen. */
export const visuallyHiddenStyles = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
