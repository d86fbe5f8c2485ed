import { css, unsafeCSS } from 'lit';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';

/** The chart element's styles: uPlot's own, then the meta line and the zoom reset. */
export const chartStyles = [
  unsafeCSS(uPlotCss),
  css`
    :host {
      display: block;
    }
    /* uPlot fades a hidden series' legend entry to 30 % opacity (1.9:1): keep the text readable
       (WCAG 1.4.3) and say "hidden" by a line-through instead. */
    .u-legend .u-off > * {
      opacity: 1;
    }
    .u-legend .u-off .u-label {
      color: var(--qt-text-muted);
      text-decoration: line-through;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem 1rem;
      align-items: center;
      font-size: 0.8rem;
      color: var(--qt-text-muted);
      margin-bottom: 0.3rem;
    }
    .csv {
      margin-left: auto;
      color: var(--qt-link);
    }
    .error {
      color: var(--qt-critical);
    }
    .reset {
      font: inherit;
      font-size: 0.8rem;
      padding: 0.2rem 0.6rem;
      border: 1px solid var(--qt-brand);
      background: var(--qt-brand);
      color: var(--qt-white);
      border-radius: 0.35rem;
      cursor: pointer;
    }
    .reset:focus-visible {
      outline: 2px solid var(--qt-link);
      outline-offset: 2px;
    }
    .plot {
      width: 100%;
      min-height: 330px;
    }
  `,
];
