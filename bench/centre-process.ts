import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, type CatalogueFile } from '../core/index.js';
import { createCredentialStore, credentialsFileIn } from '../broker/index.js';
import { createUserStore } from '../dashboard/index.js';
import { systemScheduler } from '../platform/index.js';

/** The `quantrac` command as operators run it (bin/quantrac: the heap bound, then bin/quantrac.js). */
const BIN = fileURLToPath(new URL('../bin/quantrac', import.meta.url));

export interface CentreProcess {
  pid: number;
  mqttUrl: string;
  dashboardUrl: string;
  /** A dashboard login (viewer) for the WebSocket: cookie and Origin headers. */
  wsHeaders: Record<string, string>;
  /** Credentials of the load generator's gateways, one per connection, each serving a slice of the stations. */
  gatewayCredentials: Array<{ username: string; password: string }>;
  /** A subscriber account reading `alerts/#`. */
  subscriber: { username: string; password: string };
  /** The passwords of `accounts` given to startCentreProcess, by account id. */
  accounts: Record<string, string>;
  stop(): Promise<void>;
}

/** The accounts a centre is started with: what the bench's clients log in with. */
export interface CentreAccounts {
  gatewayCredentials: Array<{ username: string; password: string }>;
  subscriber: { username: string; password: string };
  accounts: Record<string, string>;
  viewerPassword: string;
}

/**
 * Makes the accounts in `dir` (credentials.json, users.json) through the same stores the CLI
 * uses: gateway accounts each listing a slice of the stations (multi-station data loggers,
 * PROTOCOL.md "Identity"), a subscriber, a dashboard viewer, and `accounts`.
 */
export async function provisionAccounts(
  dir: string,
  catalogue: CatalogueFile,
  connections: number,
  more: Array<{ id: string; role: 'gateway' | 'relay'; stations: string[] }> = [],
): Promise<CentreAccounts> {
  await mkdir(dir, { recursive: true });
  const store = createCredentialStore({ file: credentialsFileIn(dir), cost: 1024 });
  const slices: string[][] = Array.from({ length: connections }, () => []);
  catalogue.stations.forEach((s, i) => slices[i % connections]!.push(s.id));
  const gatewayCredentials: Array<{ username: string; password: string }> = [];
  for (const [i, stations] of slices.entries()) {
    const username = `bench-gw-${String(i).padStart(3, '0')}`;
    gatewayCredentials.push({ username, password: await store.add({ id: username, role: 'gateway', stations }) });
  }
  const subscriber = { username: 'bench-alerts', password: await store.add({ id: 'bench-alerts', role: 'subscriber', stations: [] }) };
  const accounts: Record<string, string> = {};
  for (const a of more) accounts[a.id] = await store.add(a);
  const users = createUserStore(join(dir, 'users.json'), { cost: 1024 });
  const viewer = await users.add('bench-viewer', 'viewer');
  return { gatewayCredentials, subscriber, accounts, viewerPassword: viewer.password };
}

/**
 * Runs `quantrac start` as a child process on free ports, for benchmarks, its accounts made
 * first in its DATA_DIR (provisionAccounts), unless `provisioned` says they are made already
 * (a cluster's nodes share them through ACCOUNTS_DIR, given in `env`).
 */
export async function startCentreProcess(options: {
  dir: string;
  influxUrl: string;
  cataloguePath: string;
  catalogue: CatalogueFile;
  connections: number;
  db: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** More accounts to make before the start (a downstream centre's relay account). */
  accounts?: Array<{ id: string; role: 'gateway' | 'relay'; stations: string[] }>;
  provisioned?: CentreAccounts;
}): Promise<CentreProcess> {
  await mkdir(options.dir, { recursive: true });
  const { gatewayCredentials, subscriber, accounts, viewerPassword } =
    options.provisioned ?? (await provisionAccounts(options.dir, options.catalogue, options.connections, options.accounts));

  const mqttPort = await freePort();
  const httpPort = await freePort();
  // Node flags for a run (--cpu-prof, which NODE_OPTIONS refuses) go through QUANTRAC_NODE_FLAGS.
  const nodeFlags = (options.nodeArgs ?? []).join(' ');
  const child = spawn(BIN, ['start'], {
    env: {
      ...process.env,
      ...(nodeFlags ? { QUANTRAC_NODE_FLAGS: nodeFlags } : {}),
      MQTT_PORT: String(mqttPort),
      HTTP_PORT: String(httpPort),
      DATA_DIR: options.dir,
      INFLUX_URL: options.influxUrl,
      INFLUX_DB: options.db,
      CATALOGUE: options.cataloguePath,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`centre exited (${code}) before it was ready:\n${out}`)));
  });
  child.stdout!.resume();
  const dashboardUrl = `http://127.0.0.1:${httpPort}`;
  const login = await fetch(`${dashboardUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: dashboardUrl },
    body: JSON.stringify({ username: 'bench-viewer', password: viewerPassword }),
  });
  if (!login.ok) throw new Error(`bench login refused: ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    pid: child.pid!,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    dashboardUrl,
    wsHeaders: { cookie, origin: dashboardUrl },
    gatewayCredentials,
    subscriber,
    accounts,
    async stop() {
      // Gone already (an exit code, or a signal's): its 'exit' has been and will not come again.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      const t = systemScheduler.schedule(() => child.kill('SIGKILL'), 15_000);
      await exited;
      t.unsubscribe();
    },
  };
}
