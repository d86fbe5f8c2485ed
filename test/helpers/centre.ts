import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createLogger, loadConfig, type Config } from '../../core/index.js';
import { startCentre, type Centre } from '../../main.js';

export interface TestCentre extends Centre {
  readonly dataDir: string;
  readonly db: string;
}

/** A unique database name per test, so tests sharing one InfluxDB never see each other's points. */
export const testDatabase = (): string => `qt_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** Starts the whole centre on free ports (port 0) against the shared test InfluxDB. */
export async function startTestCentre(influxUrl: string, env: Record<string, string> = {}, options: { demo?: boolean } = {}): Promise<TestCentre> {
  const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-data-'));
  const db = env.INFLUX_DB ?? testDatabase();
  const config: Config = loadConfig({ MQTT_PORT: '0', HTTP_PORT: '0', DATA_DIR: dataDir, INFLUX_URL: influxUrl, INFLUX_DB: db, LOG_LEVEL: 'silent', INGEST_FLUSH_MS: '50', ...env });
  const log = createLogger({ level: config.LOG_LEVEL });
  const centre = await startCentre({ config, log, demo: options.demo });
  return Object.assign(Object.create(null) as object, centre, {
    dataDir,
    db,
    async close() {
      await centre.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  }) as TestCentre;
}
