import { css } from 'lit';
import { severityStyles } from '../styles/severity.js';
import { visuallyHiddenStyles } from '../styles/shared.js';
import { headerLayoutStyles } from './header-layout-styles.js';

/** Styles of qt-centre: the header bar, navigation, banners. */
const ownStyles = css`
  :host {
    display: block;
    min-height: 100vh;
  }
  /* A printed report (incident, station, zone) is the page's content, not the navigation. */
  @media print {
    header,
    qt-link-banner {
      display: none;
    }
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.6rem 1.6rem;
    padding: 0.6rem 1.25rem;
    background: var(--qt-brand);
    color: var(--qt-white);
    position: sticky;
    top: 0;
    z-index: 5;
  }
  h1 {
    margin: 0;
    font-size: 1.15rem;
    font-weight: 600;
  }
  h1 a {
    color: inherit;
    text-decoration: none;
  }
  .counts {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3rem 1.25rem;
    margin: 0;
  }
  .counts div {
    display: flex;
    align-items: baseline;
    gap: 0.4rem;
  }
  .counts dt {
    font-size: 0.8rem;
    color: var(--qt-header-dim);
  }
  .counts dd {
    margin: 0;
    font-size: 1.1rem;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    display: flex;
    gap: 0.35rem;
  }
  .sev {
    min-width: 1.6rem;
    text-align: center;
    padding: 0 0.4rem;
    border-radius: 0.75rem;
    text-decoration: none;
    font-size: 0.95rem;
  }
  .counts a.acked,
  .counts a.pending {
    color: var(--qt-white);
    text-decoration: none;
    padding: 0 0.3rem;
    border-radius: 0.75rem;
    border: 1px solid var(--qt-header-outline);
  }
  .counts .pending dt,
  .counts .pending dd {
    font-size: 0.8rem;
  }
  nav {
    display: flex;
    gap: 0.25rem;
  }
  nav a {
    color: var(--qt-header-text);
    text-decoration: none;
    padding: 0.3rem 0.7rem;
    border-radius: 0.4rem;
    font-size: 0.9rem;
  }
  nav a.active,
  nav a:hover {
    background: var(--qt-header-hover);
    color: var(--qt-white);
  }
  .connection {
    margin: 0 0 0 auto;
    display: flex;
    align-items: center;
    gap: 0.45rem;
    padding: 0.2rem 0.7rem;
    border-radius: 1rem;
    font-size: 0.85rem;
    background: var(--qt-lost-bg);
    color: var(--qt-lost-text);
  }
  .connection .dot {
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    background: var(--qt-lost-dot);
  }
  .connection.open {
    background: var(--qt-open-bg);
    color: var(--qt-open-text);
  }
  .connection.open .dot {
    background: var(--qt-open-dot);
  }
  .user {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    font-size: 0.85rem;
    color: var(--qt-header-text);
  }
  .user button {
    font: inherit;
    font-size: 0.8rem;
    padding: 0.2rem 0.6rem;
    border-radius: 0.35rem;
    border: 1px solid var(--qt-header-outline);
    background: transparent;
    color: var(--qt-white);
    cursor: pointer;
  }
  .banner {
    margin: 0;
    padding: 0.5rem 1.25rem;
    font-size: 0.9rem;
  }
  .banner.storage {
    background: var(--qt-banner-bg);
    color: var(--qt-banner-text);
    border-bottom: 1px solid var(--qt-warning);
  }
  main {
    padding: 0.75rem 1.25rem 2rem;
  }
  /*
   * Data that is no longer live (live/connection.ts): colours drained (a green "normal" badge
   * must not keep saying all is well) and text in one grey, through the custom properties every
   * view's shadow root inherits. Greyscale keeps each colour's lightness, so contrast holds.
   */
  main[data-not-live] {
    filter: grayscale(1);
    --qt-text: var(--qt-not-live-text);
    --qt-ink: var(--qt-not-live-text);
    --qt-text-strong: var(--qt-not-live-text);
  }
  .counts.not-live dd {
    color: var(--qt-header-dim);
  }
  .counts.not-live .sev {
    filter: grayscale(1);
  }
  .connection.stale {
    background: var(--qt-lost-bg);
    color: var(--qt-lost-text);
  }
  .as-of dd {
    font-size: 0.85rem;
    font-weight: 600;
  }
  .notice {
    color: var(--qt-text-muted);
  }
  .notice.error {
    color: var(--qt-critical);
  }
  .crumbs {
    margin: 0 0 0.5rem;
  }
  .crumbs a {
    color: var(--qt-link);
  }
`;

/** Styles of qt-centre with the shared severity badge colours. */
export const centreStyles = [visuallyHiddenStyles, ownStyles, severityStyles, headerLayoutStyles];
