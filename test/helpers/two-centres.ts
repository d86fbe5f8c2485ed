import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCredentialStore, credentialsFileIn } from '../../broker/index.js';
import { freePort, loadCatalogue, parseCatalogue, type CatalogueFile, type Station } from '../../core/index.js';
import { createInfluxClient, type InfluxClient } from '../../ingest/index.js';
import { stopOrphanInfluxd } from '../../ingest/influxd-orphan.js';
import { systemScheduler } from '../../platform/index.js';
import { startCentreProcess, type CentreProcess } from './centre-process.js';
import { runCli } from './cli-process.js';

/**
 * Two real centres, a province and the nation, as docs/RELAY.md sets them up: each a
 * `quantrac start` child process with its own DATA_DIR, so its own private influxd, and MQTT
 * and HTTP on ports of its own. The nation's catalogue is merged from the provinces' with
 * `quantrac catalogue merge`; the nation has a relay account for the province's stations
 * (`quantrac gateway add <account> --role relay <stations>`); the province starts with
 * UPSTREAM_URL pointing at the nation's MQTT port. Both MQTT ports are chosen before the first
 * start and kept across restarts, so the province's UPSTREAM_URL and the test gateways'
 * URL stay valid while either centre is down.
 */

export const SEED_CATALOGUE = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));

/** scrypt cost for test accounts: the broker checks hashes of any cost; the default would cost seconds per login. */
const TEST_SCRYPT_COST = '1024';

/** `Bắc Ninh` -> `bac-ninh`: a province's catalogue file name. */
export function provinceSlug(province: string): string {
  return province
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** One province's part of a catalogue: its zones, their facilities and stations, the waters they discharge to, and the whole parameter table. */
export function provinceCatalogue(file: CatalogueFile, province: string): CatalogueFile {
  const zones = file.zones.filter((z) => z.province === province);
  const zoneIds = new Set(zones.map((z) => z.id));
  const facilities = file.facilities.filter((f) => zoneIds.has(f.zoneId));
  const facilityIds = new Set(facilities.map((f) => f.id));
  const stations = file.stations.filter((s) => facilityIds.has(s.facilityId));
  const bodies = new Set(stations.map((s) => s.water?.body));
  const waters = file.waters?.filter((w) => bodies.has(w.id));
  return { version: 1, parameters: file.parameters, zones, ...(waters ? { waters } : {}), facilities, stations };
}

/** Splits a catalogue into one file per province in `dir` (`bac-ninh.json`, ...), as each province centre would have its own. */
export async function writeProvinceCatalogues(source: string, dir: string): Promise<Array<{ province: string; file: string }>> {
  const whole = JSON.parse(await readFile(source, 'utf8')) as CatalogueFile;
  const provinces = [...new Set(whole.zones.map((z) => z.province))];
  const out: Array<{ province: string; file: string }> = [];
  for (const province of provinces) {
    const file = join(dir, `${provinceSlug(province)}.json`);
    const part = provinceCatalogue(whole, province);
    parseCatalogue(part); // each province's file must be a valid catalogue alone
    await writeFile(file, `${JSON.stringify(part, null, 2)}\n`);
    out.push({ province, file });
  }
  return out;
}

export const SEED_RULES = fileURLToPath(new URL('../../seeds/rules.json', import.meta.url));

/**
 * The shipped alert rules with only the overrides of these stations: a centre refuses a rules
 * file naming a station its catalogue lacks, and the seed's names stations of several provinces.
 */
export async function rulesFor(stationIds: string[]): Promise<Record<string, unknown>> {
  const rules = JSON.parse(await readFile(SEED_RULES, 'utf8')) as Record<string, unknown> & { stations?: Record<string, unknown> };
  const keep = new Set(stationIds);
  return { ...rules, stations: Object.fromEntries(Object.entries(rules.stations ?? {}).filter(([id]) => keep.has(id))) };
}

export const SEED_NOTIFY = fileURLToPath(new URL('../../seeds/notify.json', import.meta.url));

/** The shipped notification routing with only these zones (and `centre`): a centre refuses a route naming a zone its catalogue lacks. */
export async function notifyFor(zoneIds: string[]): Promise<Record<string, unknown>> {
  type Routing = { zones?: string[] };
  const notify = JSON.parse(await readFile(SEED_NOTIFY, 'utf8')) as Record<string, unknown> & { routing?: Routing[] };
  const keep = new Set([...zoneIds, 'centre']);
  const routing = (notify.routing ?? [])
    .map((r) => (r.zones === undefined ? r : { ...r, zones: r.zones.filter((z) => keep.has(z)) }))
    .filter((r) => r.zones === undefined || r.zones.length > 0);
  return { ...notify, routing };
}

/** Runs a `quantrac` command to its end; throws with its stderr unless it exits 0. */
async function quantrac(args: string[], env: Record<string, string> = {}): Promise<string> {
  const proc = runCli(args, { LOG_LEVEL: 'warn', ...env });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`quantrac ${args.join(' ')} exited with ${code}:\n${proc.stderr()}`);
  return proc.stdout();
}

export interface TwoCentresOptions {
  /** The province centre's province (a `province` of the seed's zones). */
  province: string;
  /** The relay's account at the nation (UPSTREAM_USERNAME). */
  relayAccount: string;
  /** Extra environment for each centre (e.g. INGEST_FLUSH_MS, UPSTREAM_RETRY_MAX_S). */
  nationEnv?: Record<string, string>;
  provinceEnv?: Record<string, string>;
}

export interface TwoCentres {
  readonly dir: string;
  /** The province's stations (its catalogue's), each with a gateway account at the province. */
  readonly stations: Station[];
  /** Where test gateways connect: the province's MQTT port, the same across its restarts. */
  readonly provinceMqttUrl: string;
  readonly nationMqttUrl: string;
  nation(): CentreProcess;
  province(): CentreProcess;
  /** A gateway's credentials at the province. */
  gatewayCredentials(station: Station): { username: string; password: string };
  /** The centre's own private InfluxDB (its URL from the banner of its current life). */
  nationInflux(): InfluxClient;
  provinceInflux(): InfluxClient;
  /** SIGTERM (graceful) and wait for the exit code. */
  stopNation(): Promise<number | string>;
  startNation(): Promise<CentreProcess>;
  /** SIGKILL: no shutdown at all (its influxd is left running, as after a real crash; the next start stops it). */
  killProvince(): Promise<number | string>;
  startProvince(): Promise<CentreProcess>;
  close(): Promise<void>;
}

/** The InfluxDB a started centre printed in its banner (`InfluxDB   http://... (database quantrac)`). */
function influxOf(centre: CentreProcess): InfluxClient {
  const m = /InfluxDB\s+(http:\/\/\S+) \(database (\S+)\)/.exec(centre.output());
  if (!m) throw new Error(`no InfluxDB line in the banner:\n${centre.output()}`);
  return createInfluxClient({ api: 'v1', url: m[1]!, db: m[2]! });
}

/** What the two centres are started with: their environments, and the province's stations and gateway secrets. */
interface Prepared {
  stations: Station[];
  secrets: Map<string, string>;
  nationEnv: Record<string, string>;
  provinceEnv: Record<string, string>;
  nationMqttPort: number;
  provinceMqttPort: number;
}

/**
 * Writes what an operator would before the first start (docs/RELAY.md): the provinces'
 * catalogues and the national one merged from them; the province's rules and routing (its own
 * zones and stations only); the relay account at the nation; the gateway accounts at the province.
 */
async function prepare(dir: string, options: TwoCentresOptions): Promise<Prepared> {
  const nationDir = join(dir, 'nation');
  const provinceDir = join(dir, 'province');
  const catalogues = join(dir, 'catalogues');
  await Promise.all([mkdir(nationDir), mkdir(provinceDir), mkdir(catalogues)]);

  const files = await writeProvinceCatalogues(SEED_CATALOGUE, catalogues);
  const own = files.find((f) => f.province === options.province);
  if (!own) throw new Error(`no province "${options.province}" in ${SEED_CATALOGUE}`);
  const national = join(dir, 'national.json');
  await quantrac(['catalogue', 'merge', ...files.map((f) => f.file), '--out', national]);
  const { stations, zones } = await loadCatalogue(own.file);
  const provinceRules = join(dir, 'province-rules.json');
  await writeFile(provinceRules, JSON.stringify(await rulesFor(stations.map((s) => s.id))));
  const provinceNotify = join(dir, 'province-notify.json');
  await writeFile(provinceNotify, JSON.stringify(await notifyFor(zones.map((z) => z.id))));

  // The relay's account at the nation, as docs/RELAY.md has the operator make it.
  const relayAccount = ['gateway', 'add', options.relayAccount, '--role', 'relay', ...stations.map((s) => s.id)];
  const added = await quantrac([...relayAccount, '--data-dir', nationDir, '--catalogue', national], {
    MQTT_AUTH_SCRYPT_COST: TEST_SCRYPT_COST,
  });
  const relayPassword = /^\s*password\s+(\S+)/m.exec(added)?.[1];
  if (!relayPassword) throw new Error(`no password in the output of gateway add:\n${added}`);

  // The province's gateways, written to its credentials file as `quantrac gateway add` would.
  const store = createCredentialStore({ file: credentialsFileIn(provinceDir), cost: Number(TEST_SCRYPT_COST) });
  const secrets = new Map<string, string>();
  for (const s of stations) secrets.set(s.id, await store.add({ id: s.id, role: 'gateway', stations: [s.id] }));

  const nationMqttPort = await freePort();
  const provinceMqttPort = await freePort();
  // No INFLUX_URL here, so each centre runs its own influxd under its DATA_DIR (main.ts, startStorage).
  // Should the test run with INFLUX_URL set (one shared server), the databases' own names still keep the centres apart.
  const run = randomBytes(4).toString('hex');
  const common = { LOG_LEVEL: 'info', MQTT_AUTH_SCRYPT_COST: TEST_SCRYPT_COST };
  const nationEnv = {
    ...common,
    DATA_DIR: nationDir,
    CATALOGUE: national,
    MQTT_PORT: String(nationMqttPort),
    INFLUX_DB: `nation_${run}`,
    ...options.nationEnv,
  };
  const provinceEnv = {
    ...common,
    DATA_DIR: provinceDir,
    CATALOGUE: own.file,
    ALERTS_RULES_FILE: provinceRules,
    ALERTS_NOTIFY_FILE: provinceNotify,
    MQTT_PORT: String(provinceMqttPort),
    INFLUX_DB: `province_${run}`,
    UPSTREAM_URL: `mqtt://127.0.0.1:${nationMqttPort}`,
    UPSTREAM_USERNAME: options.relayAccount,
    UPSTREAM_PASSWORD: relayPassword,
    // Reconnect within seconds of the nation's return, not the default 30 s ceiling.
    UPSTREAM_RETRY_MAX_S: '2',
    ...options.provinceEnv,
  };
  return { stations, secrets, nationEnv, provinceEnv, nationMqttPort, provinceMqttPort };
}

/** Stops an influxd a SIGKILLed centre left running on its DATA_DIR (by the pid it recorded), as its next start would. */
async function stopInfluxdLeftIn(dataDir: string): Promise<void> {
  const influxDir = join(dataDir, 'influxdb');
  await stopOrphanInfluxd({ dir: influxDir, configPath: join(influxDir, 'influxdb.conf'), scheduler: systemScheduler }).catch(() => []);
}

/** Starts the nation, then the province relaying to it; the caller closes it. A failed start leaves nothing behind. */
export async function startTwoCentres(options: TwoCentresOptions): Promise<TwoCentres> {
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-two-centres-'));
  let p: Prepared;
  try {
    p = await prepare(dir, options);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  let nation: CentreProcess | undefined;
  let province: CentreProcess | undefined;
  const started = (c: CentreProcess | undefined, name: string): CentreProcess => {
    if (!c) throw new Error(`the ${name} centre is not running`);
    return c;
  };

  const harness: TwoCentres = {
    dir,
    stations: p.stations,
    provinceMqttUrl: `mqtt://127.0.0.1:${p.provinceMqttPort}`,
    nationMqttUrl: `mqtt://127.0.0.1:${p.nationMqttPort}`,
    nation: () => started(nation, 'national'),
    province: () => started(province, 'province'),
    gatewayCredentials: (s) => ({ username: s.id, password: p.secrets.get(s.id)! }),
    nationInflux: () => influxOf(started(nation, 'national')),
    provinceInflux: () => influxOf(started(province, 'province')),
    async stopNation() {
      const code = await started(nation, 'national').stop();
      nation = undefined;
      return code;
    },
    async startNation() {
      nation = await startCentreProcess(p.nationEnv);
      return nation;
    },
    async killProvince() {
      const c = started(province, 'province');
      province = undefined;
      c.proc.child.kill('SIGKILL');
      return c.proc.exited;
    },
    async startProvince() {
      province = await startCentreProcess(p.provinceEnv);
      return province;
    },
    async close() {
      await Promise.all([province?.stop(), nation?.stop()]);
      province = nation = undefined;
      await Promise.all([stopInfluxdLeftIn(p.provinceEnv.DATA_DIR!), stopInfluxdLeftIn(p.nationEnv.DATA_DIR!)]);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await harness.startNation();
    await harness.startProvince();
  } catch (err) {
    await harness.close();
    throw err;
  }
  return harness;
}
