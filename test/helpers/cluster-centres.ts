import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCredentialStore, credentialsFileIn } from '../../broker/index.js';
import { freePort, loadCatalogue, type Catalogue, type Station } from '../../core/index.js';
import { createUserStore } from '../../dashboard/index.js';
import { startCentreProcess, type CentreProcess } from './centre-process.js';
import { startRedisSet, type RedisSet } from './cluster-harness.js';
import { startHaproxy, type Haproxy } from './haproxy-harness.js';
import { SEED_CATALOGUE } from './two-centres.js';

/**
 * A cluster as docs/CLUSTER.md sets it up, on loopback: a Redis set (primary, replica, three
 * Sentinels), N `quantrac start` processes in cluster mode (each its own DATA_DIR, MQTT and HTTP
 * ports chosen up front, one shared InfluxDB and one shared ACCOUNTS_DIR holding the gateways'
 * credentials.json and a viewer's users.json), and HAProxy in front of their MQTT ports with
 * /healthz checks. The alert rules watch one station's one parameter only (threshold, at once),
 * so the test's exceedance is the only alert there can be; notifications go to one webhook.
 */
export interface ClusterCentresOptions {
  count: number;
  influxUrl: string;
  influxDb: string;
  /** The station and parameter whose threshold rule is on; every other rule is off. */
  alert: { station: string; parameter: string };
  webhookUrl: string;
  /** CLUSTER_LEASE_MS (short, so a dead node's shards and deliveries move within seconds). */
  leaseMs: number;
  env?: Record<string, string>;
}

export interface ClusterCentres {
  readonly dir: string;
  readonly catalogue: Catalogue;
  readonly redis: RedisSet;
  readonly haproxy: Haproxy;
  /** The centres by index; undefined once killed. */
  readonly centres: Array<CentreProcess | undefined>;
  readonly nodeIds: string[];
  readonly dataDirs: string[];
  readonly viewer: { username: string; password: string };
  credentials(station: Station): { username: string; password: string };
  /** SIGKILL on centre i, then its DATA_DIR deleted (a machine lost). */
  kill(i: number): Promise<void>;
  close(): Promise<void>;
}

const COST = 1024;

/** Only the alert station's parameter's threshold, raised at once and held (no clear within the test). */
function rulesFile(alert: ClusterCentresOptions['alert']): object {
  const off = { enabled: false };
  return {
    version: 1,
    defaults: { threshold: off, average: off, trend: off, rate: off, sensorFault: off, stale: off },
    backlog: off,
    stations: { [alert.station]: { parameters: { [alert.parameter]: { threshold: { enabled: true, forS: 0, clearForS: 600 } } } } },
  };
}

/** Writes what the operator would before the first start: accounts, users, rules, routing. */
async function prepare(dir: string, options: ClusterCentresOptions, stations: Station[]) {
  const accounts = join(dir, 'accounts');
  await mkdir(accounts);
  const store = createCredentialStore({ file: credentialsFileIn(accounts), cost: COST });
  const secrets = new Map<string, string>();
  for (const s of stations) secrets.set(s.id, await store.add({ id: s.id, role: 'gateway', stations: [s.id] }));
  const users = createUserStore(join(accounts, 'users.json'), { cost: COST });
  const viewer = { username: 'viewer-cluster', password: (await users.add('viewer-cluster', 'viewer')).password };
  const rules = join(dir, 'rules.json');
  await writeFile(rules, JSON.stringify(rulesFile(options.alert)));
  const notify = join(dir, 'notify.json');
  const routing = { webhooks: { hook: { url: options.webhookUrl } }, routes: { all: { webhooks: ['hook'] } }, routing: [{ route: 'all' }] };
  await writeFile(notify, JSON.stringify({ version: 1, ...routing }));
  return { accounts, secrets, viewer, rules, notify };
}

export async function startClusterCentres(options: ClusterCentresOptions): Promise<ClusterCentres> {
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-cluster-'));
  const catalogue = await loadCatalogue(SEED_CATALOGUE);
  const centres: Array<CentreProcess | undefined> = [];
  let redis: RedisSet | undefined;
  let haproxy: Haproxy | undefined;
  const dataDirs: string[] = [];
  const nodeIds: string[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(centres.map((c) => c?.stop(10_000).catch(() => undefined)));
    await haproxy?.stop().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const p = await prepare(dir, options, catalogue.stations);
    redis = await startRedisSet();
    const ports = [];
    for (let i = 0; i < options.count; i++) ports.push({ mqttPort: await freePort(), httpPort: await freePort() });
    const envs = ports.map((port, i) => {
      nodeIds.push(`centre-${i}`);
      dataDirs.push(join(dir, `centre-${i}`));
      return {
        ...redis!.env,
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDirs[i]!,
        ACCOUNTS_DIR: p.accounts,
        INFLUX_URL: options.influxUrl,
        INFLUX_DB: options.influxDb,
        MQTT_PORT: String(port.mqttPort),
        HTTP_PORT: String(port.httpPort),
        CLUSTER_NODE_ID: nodeIds[i]!,
        CLUSTER_LEASE_MS: String(options.leaseMs),
        ALERTS_RULES_FILE: p.rules,
        ALERTS_NOTIFY_FILE: p.notify,
        MQTT_AUTH_SCRYPT_COST: String(COST),
        ...options.env,
      };
    });
    await Promise.all(dataDirs.map((d) => mkdir(d)));
    // One after the other: the first creates the database and the consumer group.
    for (const env of envs) centres.push(await startCentreProcess(env));
    haproxy = await startHaproxy({ backends: ports });
    for (let i = 0; i < options.count; i++) await haproxy.waitStatus(`c${i}`, 'UP', 30_000);
    return {
      dir,
      catalogue,
      redis,
      haproxy,
      centres,
      nodeIds,
      dataDirs,
      viewer: p.viewer,
      credentials: (s) => ({ username: s.id, password: p.secrets.get(s.id)! }),
      async kill(i) {
        const c = centres[i]!;
        centres[i] = undefined;
        c.proc.child.kill('SIGKILL');
        await c.proc.exited;
        await rm(dataDirs[i]!, { recursive: true, force: true });
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
