import { css } from 'lit';
import { kioskAlertStyles } from './kiosk-alerts.js';

/** The wall display: full screen, large type, the dark palette's custom properties (theme.ts). */
export const kioskStyles = [
  kioskAlertStyles,
  css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
      background: var(--qt-page);
      color: var(--qt-text);
      font-size: 1.05rem;
    }
    header {
      display: flex;
      align-items: center;
      gap: 1.5rem;
      padding: 0.75rem 1.5rem;
      background: var(--qt-white);
      border-bottom: 1px solid var(--qt-border);
    }
    h1 {
      font-size: 1.5rem;
      margin: 0;
      color: var(--qt-ink);
    }
    .rotation {
      display: flex;
      align-items: center;
      gap: 1rem;
      margin-left: auto;
    }
    .views {
      display: flex;
      gap: 0.5rem;
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .views li {
      padding: 0.3rem 0.8rem;
      border-radius: 999px;
      border: 1px solid var(--qt-border);
      color: var(--qt-text-muted);
    }
    .views li.current {
      background: var(--qt-brand);
      border-color: var(--qt-brand);
      color: var(--qt-on-state);
      font-weight: 600;
    }
    .state {
      color: var(--qt-text-faint);
    }
    .state[data-paused='true'] {
      color: var(--qt-warning);
      font-weight: 600;
    }
    .clock {
      font-size: 1.6rem;
      font-variant-numeric: tabular-nums;
      color: var(--qt-ink);
    }
    .connection {
      margin: 0;
      padding: 0.3rem 0.8rem;
      border-radius: 999px;
      background: var(--qt-lost-bg);
      color: var(--qt-lost-text);
    }
    .connection.open {
      background: var(--qt-open-bg);
      color: var(--qt-open-text);
    }
    .dot {
      display: inline-block;
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      margin-right: 0.4rem;
      background: var(--qt-lost-dot);
    }
    .open .dot {
      background: var(--qt-open-dot);
    }
    main {
      flex: 1;
      padding: 1rem 1.5rem;
      overflow: hidden;
    }
    .view-title {
      margin: 0 0 0.75rem;
      font-size: 1.3rem;
      color: var(--qt-text-strong);
    }
    .notice {
      font-size: 1.3rem;
      color: var(--qt-text-muted);
    }
    qt-station-map {
      display: block;
      height: calc(100vh - 9rem);
    }
  `,
];
