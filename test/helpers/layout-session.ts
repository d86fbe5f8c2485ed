import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loginInPage } from './browser.js';
import { createTestUser, type HasDashboard } from './dashboard-session.js';

/** Browser contexts opened by a test file, closed in its afterAll. */
export type Contexts = BrowserContext[];

/** A new browser context at this viewport, logged in with a new account of this role (Vietnamese, the default). */
export async function loginAt(
  browser: Browser,
  centre: HasDashboard,
  contexts: Contexts,
  viewport: { width: number; height: number },
  role: 'viewer' | 'operator' | 'admin' = 'operator',
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  const { username, password } = await createTestUser(centre, role);
  await loginInPage(page, centre.dashboardUrl, username, password);
  return page;
}

/** The document's and the stations table's widths against what they show (no sideways scroll when equal). */
export function overflow(page: Page): Promise<{ doc: number; inner: number; table: number; tableClient: number }> {
  return page.evaluate(() => {
    const find = (root: Document | ShadowRoot, sel: string): Element | null => {
      const hit = root.querySelector(sel);
      if (hit) return hit;
      for (const el of root.querySelectorAll('*')) {
        const inner = el.shadowRoot ? find(el.shadowRoot, sel) : null;
        if (inner) return inner;
      }
      return null;
    };
    const table = find(document, 'qt-station-table');
    return {
      doc: document.documentElement.scrollWidth,
      inner: window.innerWidth,
      table: table?.scrollWidth ?? -1,
      tableClient: table?.clientWidth ?? -1,
    };
  });
}
