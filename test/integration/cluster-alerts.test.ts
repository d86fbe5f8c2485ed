import { Redis } from 'ioredis';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, type AlertEvent, type Reading } from '../../core/index.js';
import { createRules, parseNotifyConfig, RulesFileSchema, type AlertsService } from '../../alerts/index.js';
import { createClusterAlerts } from '../../alerts/cluster-alerts.js';
import { createAlertsCluster, type AlertsCluster } from '../../cluster/alert-port.js';
import { shardOf } from '../../cluster/shard-hash.js';
import { alertsTestCatalogue, STATION } from '../helpers/alerts-fixture.js';
import { startRedis, type RedisServer } from '../helpers/redis-harness.js';

// Alert rules ownership on a real Redis (docs/ARCHITECTURE.md, "Cluster mode"): two nodes'
// alerts parts in this process, fed the same readings, as the replicated log's fan-out does.
const LEASE = 1500;
const log = createLogger({ level: 'silent' });
const catalogue = alertsTestCatalogue();
const rules = createRules(
  RulesFileSchema.parse({ version: 1, defaults: { threshold: { forS: 0, clearForS: 0 }, average: { enabled: false } } }),
  catalogue,
);
const notify = parseNotifyConfig({ version: 1, routes: { all: { email: ['oncall@example.vn'] } }, routing: [{ route: 'all' }] }, catalogue);

interface Node {
  id: string;
  redis: Redis;
  cluster: AlertsCluster;
  alerts: AlertsService;
  events: AlertEvent[];
  emails: string[];
}

async function startNode(id: string, url: string, readings$: Subject<Reading>): Promise<Node> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const cluster = await createAlertsCluster({ redis, catalogue, nodeId: id, leaseMs: LEASE, keyPrefix: 'qt:', log, actionTimeoutMs: 2000 });
  const emails: string[] = [];
  const alerts = await createClusterAlerts({
    catalogue,
    readings$,
    rules,
    notify,
    cluster,
    log,
    emailSender: { send: async (_to, subject) => void emails.push(subject), close: () => undefined },
  });
  const events: AlertEvent[] = [];
  alerts.events$.subscribe((e) => events.push(e));
  return { id, redis, cluster, alerts, events, emails };
}

const reading = (value: number): Reading => ({
  station: STATION,
  zone: catalogue.zoneOf(STATION)!.id,
  parameter: 'COD',
  value,
  unit: 'mg/L',
  status: '00',
  ts: Date.now(),
  receivedAt: Date.now(),
});

describe('alert rules ownership on Redis', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('two nodes split the 64 shards; one that stops renewing loses them all to the other within the lease and a round', async () => {
    const a = new Redis(server.url);
    const b = new Redis(server.url);
    const ca = await createAlertsCluster({ redis: a, catalogue, nodeId: 'lease-a', leaseMs: LEASE, keyPrefix: 'ql:', log });
    const cb = await createAlertsCluster({ redis: b, catalogue, nodeId: 'lease-b', leaseMs: LEASE, keyPrefix: 'ql:', log });
    await vi.waitFor(
      () => {
        expect(ca.ownership.owned()).toHaveLength(32);
        expect(cb.ownership.owned()).toHaveLength(32);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(ca.ownership.owned().filter((k) => cb.ownership.ownsShard(k))).toEqual([]);
    b.disconnect(); // killed: no renewal, no release
    const killedAt = Date.now();
    await vi.waitFor(() => expect(ca.ownership.owned()).toHaveLength(64), { timeout: 10_000, interval: 20 });
    expect(Date.now() - killedAt).toBeLessThan(LEASE + LEASE / 3 + 500);
    expect(cb.ownership.owned()).toHaveLength(0);
    await ca.close();
    expect(await a.keys('ql:lease:*')).toEqual([]);
    a.disconnect();
    await cb.close(); // its subscriber connection
  });

  it('one alert and one notification cluster-wide; an acknowledge on the other node reaches the owner; the owner killed, the other goes on without notifying again', async () => {
    const feed = new Subject<Reading>();
    const n1 = await startNode('node-1', server.url, feed);
    const n2 = await startNode('node-2', server.url, feed);
    const shard = shardOf(STATION);
    await vi.waitFor(() => expect(n1.cluster.ownership.owned().length + n2.cluster.ownership.owned().length).toBe(64), { timeout: 10_000 });
    await vi.waitFor(() => expect(n1.cluster.ownership.owned()).toHaveLength(32), { timeout: 10_000 });
    const [owner, other] = n1.cluster.ownership.ownsShard(shard) ? [n1, n2] : [n2, n1];

    feed.next(reading(120)); // COD limit 75
    await vi.waitFor(() => expect(other.events.map((e) => e.type)).toEqual(['raised']), { timeout: 5000 });
    expect(owner.events.map((e) => e.type)).toEqual(['raised']);
    await vi.waitFor(() => expect(owner.emails).toHaveLength(1), { timeout: 5000 });
    expect(other.emails).toEqual([]);
    const id = `${STATION}|COD|threshold`;
    expect(other.alerts.open().map((a) => a.id)).toEqual([id]);
    await vi.waitFor(async () => expect(Object.keys(await owner.redis.hgetall('qt:alerts:open'))).toEqual([id]));

    // Acknowledged on the node that does not own the station: routed to the owner, which applies it.
    const acked = await other.alerts.acknowledge(id, 'pham.d', 'on it');
    expect(acked).toMatchObject({ id, state: 'acknowledged', acknowledgedBy: 'pham.d' });
    expect(owner.alerts.open()[0]).toMatchObject({ state: 'acknowledged' });
    await vi.waitFor(() => expect(other.alerts.open()[0]).toMatchObject({ state: 'acknowledged' }), { timeout: 5000 });
    await vi.waitFor(async () =>
      expect(JSON.parse((await owner.redis.hget('qt:alerts:open', id))!)).toMatchObject({ state: 'acknowledged' }),
    );

    // The owner is killed: it stops renewing and releases nothing; the other takes the shard over.
    owner.redis.disconnect();
    const mails = owner.emails.length + other.emails.length;
    await vi.waitFor(() => expect(other.cluster.ownership.ownsShard(shard)).toBe(true), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(other.alerts.open()).toEqual([expect.objectContaining({ id, state: 'acknowledged' })]), {
      timeout: 5000,
    });
    const other2 = other.events.length;
    // Readings keep coming (the fan-out feeds every node); they count here once the adoption is done.
    await vi.waitFor(
      () => {
        feed.next(reading(130)); // still above: no new alert, no new notification
        expect(other.events.slice(other2)).toEqual([]);
        expect(other.alerts.open()).toHaveLength(1);
        feed.next(reading(40)); // back below: the new owner resolves it
        expect(other.events.slice(other2).map((e) => e.type)).toEqual(['resolved']);
      },
      { timeout: 5000, interval: 100 },
    );
    expect(other.events.filter((e) => e.type === 'raised')).toHaveLength(1);
    expect(other.alerts.open()).toEqual([]);
    await vi.waitFor(async () => expect(await other.redis.hgetall('qt:alerts:open')).toEqual({}));
    await vi.waitFor(() => expect(other.emails.length + owner.emails.length).toBe(mails + 1)); // the resolution only
    expect(other.emails.at(-1)).toMatch(/resolved|RESOLVED|Resolved/);

    await other.cluster.close();
    await other.alerts.close();
    other.redis.disconnect();
    await owner.cluster.close(); // its subscriber connection
    await owner.alerts.close();
  });
});
