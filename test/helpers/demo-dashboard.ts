import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { startSimulator } from '../../simulators/index.js';
import { launchBrowser } from './browser.js';
import { startTestCentre, type TestCentre } from './centre.js';
import type { Contexts } from './layout-session.js';

/** A centre with the demo catalogue reporting and a browser to look at its dashboard. */
export interface DemoDashboard {
  readonly centre: TestCentre;
  readonly browser: Browser;
  /** The browser contexts a test opens (loginAt), closed with the rest. */
  readonly contexts: Contexts;
  close(): Promise<void>;
}

/**
 * The set-up the whole-page browser tests share (layout, accessibility): the centre, every demo
 * station reporting slowly through the simulator (`seed` picks its values), Chromium, and
 * test-results/ for the screenshots.
 */
export async function startDemoDashboard(influxUrl: string, seed: number): Promise<DemoDashboard> {
  await mkdir('test-results', { recursive: true });
  const centre = await startTestCentre(influxUrl);
  // A failed launch leaves no centre running behind the failed test file.
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await centre.close();
    throw err;
  });
  const sim = startSimulator({
    url: centre.mqttUrl,
    catalogue: centre.catalogue,
    rate: 0.5,
    credentials: centre.credentials,
    record: false,
    seed,
  });
  const contexts: Contexts = [];
  return {
    centre,
    browser,
    contexts,
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await sim.close();
      await centre.close();
    },
  };
}
