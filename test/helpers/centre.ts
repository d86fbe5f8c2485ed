import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { createLogger, loadConfig, type Config, type Station } from '../../core/index.js';
import { startCentre, type Centre } from '../../main.js';
import type { Role } from '../../dashboard/index.js';
import { loginAs, type DashboardSession } from './dashboard-session.js';

export interface TestCentre extends Centre {
  readonly dataDir: string;
  readonly db: string;
  /**
   * MQTT credentials for a station's gateway: the broker requires a login (docs/PROTOCOL.md, "Identity"). The
   * account is provisioned in memory on first call (same answer on later calls), so pass it
   * straight to the simulator, `startSimulator({ ..., credentials: centre.credentials })`,
   * or spread it into mqtt.js options, `mqtt.connect(url, { ...centre.credentials(id) })`.
   */
  credentials(station: Station | string): { username: string; password: string };
  /** Credentials of a subscriber account (reads `alerts/#` only), for alert consumers. */
  subscriberCredentials(id?: string): { username: string; password: string };
  /**
   * Logs a new dashboard user of this role in (dashboard/: HTTP APIs and the live
   * WebSocket need a session). `session.headers` ({ cookie, origin }) go to `connectLive`;
   * `session.fetch('/api/...')` calls the REST API. See test/helpers/dashboard-session.ts.
   */
  login(role?: Role): Promise<DashboardSession>;
}

/** A unique database name per test, so tests sharing one InfluxDB never see each other's points. */
export const testDatabase = (): string => `qt_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** Starts the whole centre on free ports (port 0) against the shared test InfluxDB. */
export async function startTestCentre(
  influxUrl: string,
  env: Record<string, string> = {},
  options: { demo?: boolean; /** Capture the centre's log (set LOG_LEVEL in env). */ logDestination?: DestinationStream } = {},
): Promise<TestCentre> {
  const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-data-'));
  const db = env.INFLUX_DB ?? testDatabase();
  const config: Config = loadConfig({
    MQTT_PORT: '0',
    HTTP_PORT: '0',
    DATA_DIR: dataDir,
    INFLUX_URL: influxUrl,
    INFLUX_DB: db,
    LOG_LEVEL: 'silent',
    INGEST_FLUSH_MS: '50',
    MQTT_AUTH_SCRYPT_COST: '1024',
    DASHBOARD_SCRYPT_COST: '1024',
    ...env,
  });
  const log = createLogger({ level: config.LOG_LEVEL, destination: options.logDestination });
  const centre = await startCentre({ config, log, demo: options.demo });
  return Object.assign(Object.create(null) as object, centre, {
    dataDir,
    db,
    credentials: (station: Station | string) => centre.broker.provision({ id: typeof station === 'string' ? station : station.id }),
    subscriberCredentials: (id = 'test-subscriber') => centre.broker.provision({ id, role: 'subscriber' }),
    login: (role: Role = 'viewer') => loginAs(centre, role),
    async close() {
      await centre.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  }) as TestCentre;
}
