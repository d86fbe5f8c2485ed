import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRoutes, createAuditLog, type AuditLogHandle } from '../../audit/index.js';
import { createLogger, loadCatalogue, type Reading } from '../../core/index.js';
import { createDashboard, type Dashboard } from '../../dashboard/index.js';
import { WEB_DIST } from '../../main.js';
import { launchBrowser, loginInPage } from '../helpers/browser.js';

/** The admins' audit page in headless Chromium, against a dashboard with GET /api/audit mounted (needs `npm run build`). */
describe('the audit log page', () => {
  const log = createLogger({ level: 'silent' });
  let dir: string;
  let audit: AuditLogHandle;
  let dashboard: Dashboard;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'qt-audit-page-'));
    audit = await createAuditLog({ dir: join(dir, 'audit'), retentionDays: 30, log });
    dashboard = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue: await loadCatalogue('seeds/catalogue.json'),
      readings$: new Subject<Reading>(),
      staticDir: WEB_DIST,
      log,
      usersFile: join(dir, 'users.json'),
      passwordCost: 1024,
      routes: auditRoutes(audit),
    });
    await dashboard.users.add('boss', 'admin', 'boss password 123');
    await dashboard.users.add('lan', 'viewer', 'lan password 123');
    audit.record({ action: 'export', user: 'lan', address: '10.0.0.7', target: 'BN-1', outcome: 'ok', detail: { rows: 10 } });
    audit.record({ action: 'login_failed', address: '10.0.0.8', target: '<img src=x onerror=alert(1)>', outcome: 'refused' });
    await audit.flush();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await audit?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const login = async (username: string, password: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await loginInPage(page, dashboard.url, username, password);
    return page;
  };

  it('an admin opens the audit tab, sees the entries (text as text) and filters them by user', async () => {
    const page = await login('boss', 'boss password 123');
    await page.click('[data-nav=audit]');
    const rows = page.locator('qt-audit tbody tr');
    await page.locator('[data-testid=audit-table]').waitFor({ timeout: 10_000 });
    // Newest first (this dashboard records no logins: main.ts wires the log into it).
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-action')).toBe('login_failed');
    expect(await rows.nth(0).innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('qt-audit img').count()).toBe(0);
    await page.fill('qt-audit input[name=user]', 'lan');
    await page.click('qt-audit button[type=submit]');
    await page.waitForFunction(
      () =>
        document
          .querySelector('qt-app')
          ?.shadowRoot?.querySelector('qt-centre')
          ?.shadowRoot?.querySelector('qt-audit')
          ?.shadowRoot?.querySelectorAll('tbody tr').length === 1,
    );
    expect(await rows.nth(0).innerText()).toMatch(/lan\s+10\.0\.0\.7/);
    await page.screenshot({ path: 'test-results/audit-page.png' });
  });

  it('a viewer has no audit tab, and the page refuses them', async () => {
    const page = await login('lan', 'lan password 123');
    expect(await page.locator('[data-nav=audit]').count()).toBe(0);
    await page.goto(`${dashboard.url}/#/audit`);
    await page.locator('[data-testid=user]').waitFor();
    expect(await page.locator('qt-audit').count()).toBe(0);
    expect(await page.evaluate(async () => (await fetch('/api/audit')).status)).toBe(403);
  });
});
