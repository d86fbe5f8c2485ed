/**
 * The page in headless Chromium (bench/dashboard.ts, part 2): logged in, frames a second by
 * requestAnimationFrame on the overview (still and scrolled), the map, a zone's map and a
 * station page. The bar is docs/PERFORMANCE.md's 30 frames a second.
 */
import type { CatalogueFile } from '../core/index.js';
import { systemScheduler, wait } from '../platform/index.js';
import { launchBrowser } from '../test/helpers/browser.js';

export interface FpsFigure {
  fps: number;
  p95FrameMs: number;
  maxFrameMs: number;
  longFrames: number;
}

/**
 * Runs in the page: frames per second by requestAnimationFrame over `ms`, with the slow
 * frames. A string, so that the bundler's helpers (tsx names functions) never reach the page.
 */
const MEASURE_FPS = `(ms) => new Promise((resolve) => {
  const gaps = [];
  let last = performance.now();
  const start = last;
  const step = (t) => {
    gaps.push(t - last);
    last = t;
    if (t - start < ms) { requestAnimationFrame(step); return; }
    const sorted = [...gaps].sort((a, b) => a - b);
    resolve({
      fps: (gaps.length * 1000) / (t - start),
      p95FrameMs: Number(sorted[Math.floor(sorted.length * 0.95)].toFixed(1)),
      maxFrameMs: Number(sorted[sorted.length - 1].toFixed(1)),
      longFrames: gaps.filter((g) => g > 50).length,
    });
  };
  requestAnimationFrame(step);
})`;

const sleep = (ms: number): Promise<void> => wait(ms, systemScheduler);

/** Logs in as `username`, then measures each view for half of `seconds`, 3 s after it was shown. */
export async function measureViewsFps(o: {
  dashboardUrl: string;
  username: string;
  password: string;
  catalogue: CatalogueFile;
  seconds: number;
  log: (msg: string) => void;
}): Promise<Record<string, FpsFigure>> {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(o.dashboardUrl);
  await page.fill('input[name=username]', o.username);
  await page.fill('input[name=password]', o.password);
  await page.click('button[type=submit]');
  await page.locator('[data-station][data-parameter][data-ts]').first().waitFor({ timeout: 60_000 });
  const fps: Record<string, FpsFigure> = {};
  const views: Array<[string, string, (() => Promise<void>) | undefined]> = [
    ['overview', '#/', undefined],
    [
      'overview-scrolled',
      '#/',
      async () => {
        await page.mouse.move(800, 600);
        await page.mouse.wheel(0, 40_000);
      },
    ],
    ['map', '#/map', undefined],
    ['map-zone', `#/zone/${o.catalogue.zones[0]!.id}?view=map`, undefined],
    ['station', `#/station/${o.catalogue.stations[5]!.id}?parameter=SO2`, undefined],
  ];
  for (const [name, hash, prepare] of views) {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await sleep(2500);
    await prepare?.();
    await sleep(500);
    fps[name] = (await page.evaluate(`(${MEASURE_FPS})(${(o.seconds * 1000) / 2})`)) as FpsFigure;
    o.log(`${name}: ${fps[name]!.fps.toFixed(1)} fps`);
  }
  await browser.close();
  return fps;
}
