import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { readingsTopic, type AlertEvent, type Catalogue } from '../../core/index.js';
import { signBody } from '../../alerts/index.js';
import { startTestCentre, testDatabase, type TestCentre } from '../helpers/centre.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

// A restart with open alerts restores them from the real InfluxDB and sends no notification
// again; the webhook receiver answered 500 twice first, so the retries show too (issue 5).
const SECRET = 'integration-webhook-secret-0123456789';

/** Two wastewater stations with a COD limit, from the demo catalogue. */
function codStations(catalogue: Catalogue): [string, string] {
  const ids = catalogue.stations.filter((s) => s.limits.some((l) => l.parameter === 'COD')).map((s) => s.id);
  return [ids[0]!, ids[1]!];
}

// Both places the rules can run (ALERTS_THREAD): their own worker thread (the default) and the main thread.
describe.each(['worker', 'main'])('alerts survive a restart without notifying again (ALERTS_THREAD=%s)', (thread) => {
  let dir: string;
  let receiver: WebhookReceiver | undefined;
  let centre: TestCentre | undefined;
  let client: MqttClient | undefined;
  let db = testDatabase();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-alerts-'));
    db = testDatabase();
  });
  afterEach(async () => {
    await client?.endAsync();
    client = undefined;
    await centre?.close();
    centre = undefined;
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<TestCentre> => {
    const env = {
      INFLUX_DB: db,
      ALERTS_RULES_FILE: join(dir, 'rules.json'),
      ALERTS_NOTIFY_FILE: join(dir, 'notify.json'),
      ALERTS_WEBHOOK_SECRET: SECRET,
      ALERTS_TICK_MS: '200',
      ALERTS_THREAD: thread,
    };
    return startTestCentre(inject('influxUrl'), env);
  };

  const publish = async (c: TestCentre, station: string, value: number): Promise<void> => {
    await client?.endAsync();
    client = await mqtt.connectAsync(c.mqttUrl, { clientId: station, ...c.credentials(station), reconnectPeriod: 0 });
    const payload = {
      station,
      ts: Date.now(),
      seq: Math.floor(Date.now() / 1000),
      readings: [{ parameter: 'COD', value, unit: 'mg/L', status: '00' }],
    };
    // QoS 1: the PUBACK comes after admission; the readings are on their way to the alerts
    // worker, and a call made after it (acknowledge) is taken there after them.
    await client.publishAsync(readingsTopic(station), JSON.stringify(payload), { qos: 1 });
  };

  it('restores the open alert from InfluxDB, sends nothing for it again, and retried the webhook after two 500s', async () => {
    receiver = await startWebhookReceiver([500, 500]);
    await writeFile(join(dir, 'rules.json'), JSON.stringify({ version: 1, defaults: { threshold: { forS: 0 } } }));
    await writeFile(
      join(dir, 'notify.json'),
      JSON.stringify({
        version: 1,
        delivery: { attempts: 5, backoffMs: 100, maxBackoffMs: 1000 },
        webhooks: { ops: { url: receiver.url } },
        routes: { ops: { webhooks: ['ops'] } },
        routing: [{ route: 'ops' }],
      }),
    );

    centre = await start();
    const [a, b] = codStations(centre.catalogue);
    const id = `${a}|COD|threshold`;
    await publish(centre, a, 300);

    // Three tries: 500, 500, then 200; the same delivery id and a valid signature on each.
    await vi.waitFor(() => expect(receiver!.received).toHaveLength(3), { timeout: 15_000, interval: 50 });
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 200]);
    for (const r of receiver.received) {
      expect(r.headers['x-quantrac-signature']).toBe(signBody(r.body, SECRET));
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(new Set(receiver.received.map((r) => r.headers['x-quantrac-delivery'])).size).toBe(1);
    const body = JSON.parse(receiver.received[2]!.body) as { type: string; alert: { id: string; severity: string; state: string } };
    expect(body).toMatchObject({ type: 'raised', alert: { id, severity: 'critical', state: 'firing' } });
    // The backoff doubled: the third try came at least 100 + 200 ms after the first.
    expect(receiver.received[2]!.at - receiver.received[0]!.at).toBeGreaterThanOrEqual(250);

    // The event reached InfluxDB as an alert_event point through the spool.
    await vi.waitFor(
      async () => {
        const series = await centre!.influx.query(
          `SELECT "alert", "state" FROM "alert_event" WHERE "station" = '${a}' AND "type" = 'raised'`,
        );
        expect(series[0]?.values).toHaveLength(1);
      },
      { timeout: 15_000, interval: 100 },
    );
    const before = centre.alerts.open({ station: a, rule: 'threshold' });
    expect(before).toHaveLength(1);

    await client!.endAsync();
    client = undefined;
    await centre.close();
    centre = undefined;

    // Restart on the same database.
    centre = await start();
    expect(centre.alerts.restored).toBeGreaterThanOrEqual(1);
    const after = centre.alerts.open({ station: a, rule: 'threshold' });
    expect(after).toEqual(before.map((x) => ({ ...x })));
    const events: AlertEvent[] = [];
    const sub = centre.alerts.events$.subscribe((e) => events.push(e));

    // Still above the limit after the restart: the restored alert just stays open.
    await publish(centre, a, 320);
    // A new alert at another station: its webhook arriving proves the pipeline ran past the first.
    await publish(centre, b, 400);
    await vi.waitFor(() => expect(receiver!.received).toHaveLength(4), { timeout: 15_000, interval: 50 });
    await centre.alerts.flush();
    sub.unsubscribe();
    expect(JSON.parse(receiver.received[3]!.body)).toMatchObject({ type: 'raised', alert: { id: `${b}|COD|threshold` } });
    expect(receiver.received).toHaveLength(4);
    expect(events.filter((e) => e.alert.id === id)).toEqual([]);
    expect(events.map((e) => `${e.type} ${e.alert.id}`)).toEqual([`raised ${b}|COD|threshold`]);

    // History from InfluxDB: the raised event of the first run, newest first.
    await vi.waitFor(
      async () => {
        const history = await centre!.alerts.history({ rule: 'threshold' });
        expect(history.map((e) => `${e.type} ${e.alert.id}`)).toEqual([`raised ${b}|COD|threshold`, `raised ${id}`]);
      },
      { timeout: 15_000, interval: 100 },
    );
    const byStation = await centre.alerts.history({ station: a });
    expect(byStation).toHaveLength(1);
    expect(byStation[0]!.alert).toMatchObject({ id, severity: 'critical', value: 300, limit: 75 });
  });

  it('restores an acknowledgement and a silence too, and resolves the restored alert when the value is back', async () => {
    receiver = await startWebhookReceiver();
    await writeFile(join(dir, 'rules.json'), JSON.stringify({ version: 1, defaults: { threshold: { forS: 0, clearForS: 0 } } }));
    await writeFile(
      join(dir, 'notify.json'),
      JSON.stringify({
        version: 1,
        delivery: { attempts: 2, backoffMs: 100 },
        webhooks: { ops: { url: receiver.url } },
        routes: { ops: { webhooks: ['ops'] } },
        routing: [{ route: 'ops' }],
      }),
    );
    centre = await start();
    const [a, b] = codStations(centre.catalogue);
    const id = `${a}|COD|threshold`;
    await publish(centre, a, 200);
    // Quotes, a backslash and a newline must survive line protocol and come back exactly.
    const note = 'on the way, "valve" C:\\temp\nsecond line';
    expect(await centre.alerts.acknowledge(id, 'nguyen.van.a', note)).toMatchObject({ state: 'acknowledged' });
    const silence = await centre.alerts.silence({ station: b, until: Date.now() + 3_600_000, by: 'pham.d', reason: 'maintenance' });
    await vi.waitFor(
      async () => {
        const series = await centre!.influx.query(`SELECT count("alert") FROM "alert_event" WHERE "station" = '${a}'`);
        expect(series[0]?.values[0]?.[1]).toBe(2);
        const silences = await centre!.influx.query('SELECT count("until") FROM "alert_silence"');
        expect(silences[0]?.values[0]?.[1]).toBe(1);
      },
      { timeout: 15_000, interval: 100 },
    );
    await centre.alerts.flush();
    const sent = receiver.received.length;
    await client!.endAsync();
    client = undefined;
    await centre.close();

    centre = await start();
    expect(centre.alerts.open({ station: a })).toMatchObject([{ id, state: 'acknowledged', acknowledgedBy: 'nguyen.van.a', note }]);
    expect(centre.alerts.silences()).toEqual([silence]);
    // Silenced station: raised, stored and shown, but nobody is told.
    await publish(centre, b, 400);
    // The rules run in the alerts worker: its state reaches open() a moment after the reading.
    await vi.waitFor(() => expect(centre!.alerts.open({ station: b })).toMatchObject([{ silenced: true, state: 'firing' }]), {
      timeout: 5000,
      interval: 20,
    });
    // Back below the limit: the restored alert resolves, and that is told.
    await publish(centre, a, 20);
    await vi.waitFor(() => expect(receiver!.received).toHaveLength(sent + 1), { timeout: 15_000, interval: 50 });
    await centre.alerts.flush();
    expect(
      receiver.received
        .slice(sent)
        .map((r) => JSON.parse(r.body) as { type: string; alert: { id: string } })
        .map((x) => `${x.type} ${x.alert.id}`),
    ).toEqual([`resolved ${id}`]);
    expect(centre.alerts.open({ station: a })).toEqual([]);
  });
});
