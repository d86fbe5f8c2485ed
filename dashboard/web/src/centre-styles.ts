import { css } from 'lit';
import { severityStyles } from './severity-styles.js';

/** Styles of qt-centre: the header bar, navigation, banners. */
const ownStyles = css`
  :host {
    display: block;
    min-height: 100vh;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.6rem 1.6rem;
    padding: 0.6rem 1.25rem;
    background: #0f3d5e;
    color: #fff;
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
    gap: 1.25rem;
    margin: 0;
  }
  .counts div {
    display: flex;
    align-items: baseline;
    gap: 0.4rem;
  }
  .counts dt {
    font-size: 0.8rem;
    color: #bcd3e6;
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
  nav {
    display: flex;
    gap: 0.25rem;
  }
  nav a {
    color: #dbeafe;
    text-decoration: none;
    padding: 0.3rem 0.7rem;
    border-radius: 0.4rem;
    font-size: 0.9rem;
  }
  nav a.active,
  nav a:hover {
    background: rgb(255 255 255 / 15%);
    color: #fff;
  }
  .connection {
    margin: 0 0 0 auto;
    display: flex;
    align-items: center;
    gap: 0.45rem;
    padding: 0.2rem 0.7rem;
    border-radius: 1rem;
    font-size: 0.85rem;
    background: #7a2e0e;
    color: #ffedd5;
  }
  .connection .dot {
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    background: #fb923c;
  }
  .connection.open {
    background: #14532d;
    color: #dcfce7;
  }
  .connection.open .dot {
    background: #4ade80;
  }
  .user {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    font-size: 0.85rem;
    color: #dbeafe;
  }
  .user button {
    font: inherit;
    font-size: 0.8rem;
    padding: 0.2rem 0.6rem;
    border-radius: 0.35rem;
    border: 1px solid rgb(255 255 255 / 35%);
    background: transparent;
    color: #fff;
    cursor: pointer;
  }
  .banner {
    margin: 0;
    padding: 0.5rem 1.25rem;
    font-size: 0.9rem;
  }
  .banner.storage {
    background: #fef3c7;
    color: #78350f;
    border-bottom: 1px solid #f59e0b;
  }
  main {
    padding: 0.75rem 1.25rem 2rem;
  }
  .notice {
    color: #475569;
  }
  .notice.error {
    color: #b3261e;
  }
  .crumbs {
    margin: 0 0 0.5rem;
  }
  .crumbs a {
    color: #1d6d8f;
  }
`;

/** Styles of qt-centre with the shared severity badge colours. */
export const centreStyles = [ownStyles, severityStyles];
