import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalInfluxd, type LocalInfluxd } from '../../ingest/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The InfluxDB every integration and e2e test writes to. */
    influxUrl: string;
  }
}

/**
 * Provides a real InfluxDB: INFLUX_URL when set, else a throwaway influxd on a free
 * loopback port in a temp dir, removed afterwards. Each test uses its own database.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.INFLUX_URL) {
    project.provide('influxUrl', process.env.INFLUX_URL);
    return async () => undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-influx-'));
  const influxd: LocalInfluxd = await startLocalInfluxd({ dir });
  project.provide('influxUrl', influxd.url);
  return async () => {
    await influxd.close();
    await rm(dir, { recursive: true, force: true });
  };
}
