import { css } from 'lit';

/** The severity badge's colours, one source for the header counts, the alert list and the panel. */
export const severityStyles = css`
  .sev.critical {
    background: var(--qt-critical);
    color: var(--qt-white);
  }
  .sev.warning {
    background: var(--qt-warning);
    color: var(--qt-on-warning);
  }
`;
