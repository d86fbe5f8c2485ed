import { css } from 'lit';

/**
 * Where the header's parts sit. Wide: one bar (title, counts, navigation, connection, user).
 * Below 768 px the header keeps to two short rows (title, connection and a menu button; then
 * the counts) and navigation with the user's controls fold into the menu, so that on a phone
 * it takes no more than about a seventh of the screen.
 */
export const headerLayoutStyles = css`
  .menu {
    display: contents;
  }
  nav {
    order: 1;
  }
  .connection {
    order: 2;
  }
  .user {
    order: 3;
  }
  .menu-button {
    display: none;
    font: inherit;
    font-size: 0.85rem;
    padding: 0.25rem 0.6rem;
    border-radius: 0.35rem;
    border: 1px solid var(--qt-header-outline);
    background: transparent;
    color: var(--qt-white);
    cursor: pointer;
  }
  :focus-visible {
    outline: 2px solid var(--qt-white);
    outline-offset: 2px;
  }
  @media (max-width: 767.98px) {
    header {
      gap: 0.35rem 0.6rem;
      padding: 0.4rem 0.75rem;
    }
    h1 {
      flex: 1 1 auto;
      font-size: 1rem;
      order: 0;
    }
    .connection {
      order: 1;
      margin: 0;
      padding: 0.1rem 0.5rem;
      font-size: 0.75rem;
    }
    .menu-button {
      display: block;
      order: 2;
    }
    .counts {
      order: 3;
      width: 100%;
      justify-content: space-between;
      gap: 0.5rem;
    }
    .counts div {
      gap: 0.25rem;
    }
    .counts dt {
      font-size: 0.75rem;
      white-space: nowrap;
    }
    .counts dd {
      font-size: 1rem;
    }
    .menu {
      display: none;
      order: 4;
      width: 100%;
    }
    .menu.open {
      display: grid;
      gap: 0.5rem;
      padding: 0.25rem 0 0.4rem;
    }
    nav {
      flex-wrap: wrap;
    }
    .user {
      flex-wrap: wrap;
    }
    main {
      padding: 0.5rem 0.75rem 1.5rem;
    }
  }
`;
