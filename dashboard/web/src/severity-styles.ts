import { css } from 'lit';

/** The severity badge's colours, one source for the header counts, the alert list and the panel. */
export const severityStyles = css`
  .sev.critical {
    background: #b3261e;
    color: #fff;
  }
  .sev.warning {
    background: #f59e0b;
    color: #1f1300;
  }
`;
