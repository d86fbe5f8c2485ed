import { css } from 'lit';

/**
 * Below 768 px the stations table becomes a list of cards, one per station (name and state
 * badge, then the latest values, then kind and time): nothing scrolls sideways on a phone.
 * The head row is kept for screen readers only; the cells keep their roles.
 */
export const stationCardStyles = css`
  @media (max-width: 767.98px) {
    :host {
      overflow: visible;
      max-height: none;
      border: 0;
    }
    table {
      min-width: 0;
      background: transparent;
    }
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    tr.station {
      grid-template-columns: minmax(0, 1fr) auto;
      grid-template-areas:
        'name state'
        'values values'
        'kind time';
      margin: 0 0 0.5rem;
      border: 1px solid var(--qt-border);
      border-radius: 0.5rem;
      background: var(--qt-white);
      contain-intrinsic-size: auto 8rem;
    }
    tr.station > * {
      border-bottom: 0;
    }
    tr.station > th.name {
      grid-area: name;
      position: static;
      background: transparent;
    }
    tr.station > td.state {
      grid-area: state;
      text-align: right;
    }
    tr.station > td.parameters {
      grid-area: values;
    }
    tr.station > td.kind {
      grid-area: kind;
      font-size: 0.8rem;
    }
    tr.station > td.time {
      grid-area: time;
      position: static;
      background: transparent;
      text-align: right;
      font-size: 0.8rem;
    }
    tr.zone th {
      border-top: 0;
      background: transparent;
      padding-left: 0;
    }
  }
`;
