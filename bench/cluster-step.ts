/**
 * The cluster step (docs/PERFORMANCE.md, "How it is measured"; docs/CLUSTER.md): a Redis
 * primary and replica (redis-process.ts) and two centres in cluster mode on this machine
 * (REDIS_URL, CLUSTER_NODE_ID a and b, one shared ACCOUNTS_DIR, one InfluxDB database, the
 * bench's catalogue and rules). One load generator a node takes half the gateway connections
 * and half the rate; the latency probes (dashboard clients, alerts subscriber) are on node a,
 * so a node b gateway's reading seen there has gone through the replicated log. Each rate runs
 * for --step-s (cluster-measure.ts); everything started here is stopped after.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { CatalogueFile } from '../core/index.js';
import { createInfluxClient } from '../ingest/index.js';
import { systemScheduler, wait, type SchedulerLike } from '../platform/index.js';
import { subscribeAlerts } from './alert-latency.js';
import { provisionAccounts, startCentreProcess, type CentreProcess } from './centre-process.js';
import { messageQueue } from './child-messages.js';
import { measureClusterStep, withSingleCost, type ClusterStepContext, type ClusterStepResult } from './cluster-measure.js';
import { openDashboardClients } from './live-latency-client.js';
import { splitLoad } from './load-split.js';
import { startRedisPair, type RedisPair } from './redis-process.js';
import type { StepResult } from './step.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_IDS = ['a', 'b'];
/** Shards of the alert rules (docs/ARCHITECTURE.md, "Cluster mode"). */
const SHARDS = 64;

export interface ClusterStepOptions {
  dir: string;
  influxUrl: string;
  influxPid: number;
  catalogue: CatalogueFile;
  cataloguePath: string;
  rulesPath: string;
  rates: number[];
  stepS: number;
  connections: number;
  stationPages: number;
  /** The centres' extra environment (--centre-env), as the single-process centre had it. */
  env: Record<string, string>;
  /** The single-process steps of the same run, for the cost per reading. */
  single: StepResult[];
  log: (msg: string) => void;
}

export interface ClusterResult {
  nodes: number;
  steps: ClusterStepResult[];
}

/** Starts Redis and the nodes, runs every rate, stops them all. */
export async function clusterStep(o: ClusterStepOptions): Promise<ClusterResult> {
  const centres: CentreProcess[] = [];
  const gens: ChildProcess[] = [];
  let redis: RedisPair | undefined;
  try {
    redis = await startRedisPair(join(o.dir, 'redis'));
    const provisioned = await provisionAccounts(join(o.dir, 'accounts'), o.catalogue, o.connections);
    for (const id of NODE_IDS)
      centres.push(
        await startCentreProcess({
          dir: join(o.dir, `node-${id}`),
          influxUrl: o.influxUrl,
          cataloguePath: o.cataloguePath,
          catalogue: o.catalogue,
          connections: o.connections,
          db: 'bench_cluster',
          provisioned,
          env: {
            ALERTS_RULES_FILE: o.rulesPath,
            REDIS_URL: redis.primary.url,
            CLUSTER_NODE_ID: id,
            ACCOUNTS_DIR: join(o.dir, 'accounts'),
            ...o.env,
          },
        }),
      );
    o.log(`cluster step: nodes ${centres.map((c) => `pid ${c.pid}`).join(', ')}; redis pids ${redis.primary.pid}, ${redis.replica.pid}`);
    await untilShardsSpread(redis.primary.url, o.log);
    const dashboard = await openDashboardClients(centres[0]!, o.catalogue, o.stationPages);
    const alerts = await subscribeAlerts(centres[0]!);
    const inits = splitLoad(
      centres.map((c) => c.mqttUrl),
      o.catalogue,
      o.connections,
      provisioned.gatewayCredentials,
    );
    const ready = inits.map(async (init) => {
      const child = fork(join(ROOT, 'bench', 'load-gen.ts'), [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      gens.push(child);
      const messages = messageQueue(child);
      child.send(init);
      await messages.next('ready');
      return { pid: child.pid!, send: (cmd: unknown) => void child.send(cmd as object), messages };
    });
    const ctx: ClusterStepContext = {
      centres,
      redisPids: [redis.primary.pid, redis.replica.pid],
      gens: await Promise.all(ready),
      influx: createInfluxClient({ api: 'v1', url: o.influxUrl, db: 'bench_cluster' }),
      influxPid: o.influxPid,
      catalogue: o.catalogue,
      stepS: o.stepS,
      dashboard,
      alerts,
      log: o.log,
    };
    const steps: ClusterStepResult[] = [];
    for (const [k, rate] of o.rates.entries()) {
      steps.push(withSingleCost(await measureClusterStep(ctx, k, rate), o.single));
      o.log(JSON.stringify(steps[steps.length - 1]));
    }
    for (const g of gens) g.send({ type: 'stop' });
    dashboard.close();
    await alerts.end();
    return { nodes: centres.length, steps };
  } finally {
    for (const g of gens) g.kill('SIGKILL');
    for (const c of centres.reverse()) await c.stop();
    await redis?.stop();
  }
}

/**
 * Waits (every 500 ms, at most 60 s) until every alert shard is leased and each node holds
 * some: a node started alone takes them all and gives back the surplus once the other is live
 * (docs/ARCHITECTURE.md, "Cluster mode"), so measuring before that would measure one node's rules.
 */
async function untilShardsSpread(url: string, log: (msg: string) => void, scheduler: SchedulerLike = systemScheduler): Promise<void> {
  const client = new Redis(url);
  try {
    const keys = Array.from({ length: SHARDS }, (_, k) => `qt:lease:shard:${k}`);
    const deadline = scheduler.now() + 60_000;
    for (;;) {
      const holders = await client.mget(...keys);
      const count = (id: string): number => holders.filter((h) => h === id).length;
      const spread = holders.every((h) => h !== null) && NODE_IDS.every((id) => count(id) > 0);
      if (spread || scheduler.now() > deadline) {
        log(
          `cluster step: alert shards ${NODE_IDS.map((id) => `${id} ${count(id)}`).join(', ')}${spread ? '' : ' (not spread after 60 s)'}`,
        );
        return;
      }
      await wait(500, scheduler);
    }
  } finally {
    client.disconnect();
  }
}
