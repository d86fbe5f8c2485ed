import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { Subject } from 'rxjs';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { AlertEventSchema, createLogger, readingsTopic, type Reading } from '../../core/index.js';
import { createAlerts, createRules, parseNotifyConfig, signBody, type Alerts, type DeadLetter } from '../../alerts/index.js';
import { alertsTestCatalogue, STATION, STATION_B, ZONE, ZONE_B } from '../helpers/alerts-fixture.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

// Notifications over real sockets: e-mail to a real SMTP server on loopback (nodemailer),
// webhooks to a real HTTP receiver (signature, retries, dead letters), MQTT alerts/{zone}/{station}.

interface Mail {
  from: string;
  to: string[];
  data: string;
  user?: string;
}

async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === 'smtp-password-from-env') return cb(null, { user: 'alerts' });
      cb(new Error('invalid credentials'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('nobody@')) return cb(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
        });
        cb();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('alert notifications over real sockets', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const engine = async (
    notify: unknown,
    extra: { smtpPort?: number; dataDir?: string; secret?: string } = {},
  ): Promise<{ alerts: Alerts; readings$: Subject<Reading> }> => {
    const catalogue = alertsTestCatalogue();
    const readings$ = new Subject<Reading>();
    const alerts = await createAlerts({
      catalogue,
      readings$,
      rules: createRules({ version: 1, defaults: { threshold: { forS: 0 } } }, catalogue),
      notify: parseNotifyConfig(notify, catalogue),
      smtp:
        extra.smtpPort === undefined
          ? undefined
          : {
              host: '127.0.0.1',
              port: extra.smtpPort,
              secure: false,
              user: 'alerts',
              password: 'smtp-password-from-env',
              from: 'quantrac <alerts@quantrac.invalid>',
            },
      webhookSecret: extra.secret,
      dataDir: extra.dataDir,
      log: createLogger({ level: 'silent' }),
    });
    cleanups.push(() => alerts.close());
    return { alerts, readings$ };
  };
  const reading = (station: string, value: number): Reading => ({
    station,
    zone: station === STATION ? ZONE : ZONE_B,
    parameter: 'COD',
    value,
    unit: 'mg/L',
    status: '00',
    ts: Date.now(),
    receivedAt: Date.now(),
  });

  it('e-mails the on-call people of the zone over SMTP with nodemailer, routed by severity', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const { alerts, readings$ } = await engine(
      {
        version: 1,
        routes: { north: { email: ['oncall.north@example.vn', 'ONCALL.north@example.vn'] }, south: { email: ['oncall.south@example.vn'] } },
        routing: [
          { zones: [ZONE], route: 'north' },
          { zones: [ZONE_B], minSeverity: 'critical', route: 'south' },
        ],
      },
      { smtpPort: smtp.port },
    );
    readings$.next(reading(STATION, 120)); // critical in the north
    readings$.next(reading(STATION_B, 130)); // a warning in the south: its route takes critical only
    await alerts.flush();
    await vi.waitFor(() => expect(smtp.mails).toHaveLength(1), { timeout: 10_000 });
    const [mail] = smtp.mails;
    expect(mail).toMatchObject({ from: 'alerts@quantrac.invalid', to: ['oncall.north@example.vn'], user: 'alerts' });
    // Long headers are folded (RFC 5322, 2.2.3): unfold before reading the subject.
    expect(mail!.data.replace(/\r\n[ \t]+/g, ' ')).toContain(
      'Subject: [quantrac] CRITICAL raised: BN-TEST-F001-NT1 COD - COD 120 mg/L above',
    );
    expect(mail!.data).toContain('Station:   BN-TEST-F001-NT1 (zone YENPHONG)');
    readings$.next(reading(STATION_B, 200));
    await alerts.flush();
    await vi.waitFor(() => expect(smtp.mails.map((m) => m.to)).toEqual([['oncall.north@example.vn'], ['oncall.south@example.vn']]), {
      timeout: 10_000,
    });
  });

  it('writes a permanently refused e-mail (SMTP 550) to the dead letters without retrying', async () => {
    const smtp = await startSmtp();
    const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-alerts-'));
    cleanups.push(
      () => rm(dataDir, { recursive: true, force: true }),
      () => smtp.close(),
    );
    const { alerts, readings$ } = await engine(
      {
        version: 1,
        delivery: { attempts: 5, backoffMs: 50 },
        routes: { r: { email: ['nobody@example.vn'] } },
        routing: [{ route: 'r' }],
      },
      { smtpPort: smtp.port, dataDir },
    );
    readings$.next(reading(STATION, 120));
    await alerts.flush();
    const letters = (await readFile(join(dataDir, 'alerts', 'dead-letters.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DeadLetter);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ channel: 'email', target: 'nobody@example.vn', attempts: 1 });
    expect(letters[0]!.error).toMatch(/550|no such mailbox/i);
    expect(letters[0]!.payload).toMatchObject({ to: ['nobody@example.vn'], subject: expect.stringContaining('CRITICAL raised') });
  });

  it('signs webhook bodies, retries with backoff and writes a dead letter after the last try', async () => {
    const receiver: WebhookReceiver = await startWebhookReceiver([], 500);
    const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-alerts-'));
    cleanups.push(
      () => rm(dataDir, { recursive: true, force: true }),
      () => receiver.close(),
    );
    const secret = 'webhook-secret-from-the-environment';
    const { alerts, readings$ } = await engine(
      {
        version: 1,
        delivery: { attempts: 3, backoffMs: 50, maxBackoffMs: 1000 },
        webhooks: { ops: { url: receiver.url } },
        routes: { ops: { webhooks: ['ops'] } },
        routing: [{ route: 'ops' }],
      },
      { dataDir, secret },
    );
    readings$.next(reading(STATION, 120));
    await alerts.flush();
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 500]);
    for (const r of receiver.received) expect(r.headers['x-quantrac-signature']).toBe(signBody(r.body, secret));
    expect(receiver.received[2]!.at - receiver.received[0]!.at).toBeGreaterThanOrEqual(140); // 50 + 100 ms
    const letters = (await readFile(join(dataDir, 'alerts', 'dead-letters.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DeadLetter);
    expect(letters).toMatchObject([{ channel: 'webhook', target: 'ops', attempts: 3, error: 'webhook answered 500' }]);
    expect(letters[0]!.payload).toMatchObject({ type: 'raised', alert: { id: `${STATION}|COD|threshold` } });
    expect(JSON.stringify(letters)).not.toContain(secret);

    // A 4xx answer will not heal: one try, then the dead letters.
    receiver.fallback = 400;
    readings$.next(reading(STATION_B, 200));
    await alerts.flush();
    expect(receiver.received).toHaveLength(4);
    const all = (await readFile(join(dataDir, 'alerts', 'dead-letters.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DeadLetter);
    expect(all.at(-1)).toMatchObject({ channel: 'webhook', attempts: 1, error: 'webhook answered 400' });
  });

  describe('through the whole centre', () => {
    let centre: TestCentre | undefined;
    let gateway: MqttClient | undefined;
    let subscriber: MqttClient | undefined;
    afterEach(async () => {
      await gateway?.endAsync();
      await subscriber?.endAsync();
      await centre?.close();
    });

    it('publishes every alert event on MQTT alerts/{zone}/{station}', async () => {
      centre = await startTestCentre(inject('influxUrl'));
      const station = centre.catalogue.stations.find((s) => s.limits.some((l) => l.parameter === 'COD'))!;
      const zone = centre.catalogue.zoneOf(station.id)!.id;
      subscriber = await mqtt.connectAsync(centre.mqttUrl, {
        clientId: 'alert-consumer',
        ...centre.subscriberCredentials('alert-consumer'),
        reconnectPeriod: 0,
      });
      const got: Array<{ topic: string; payload: string }> = [];
      subscriber.on('message', (topic, payload) => got.push({ topic, payload: payload.toString('utf8') }));
      await subscriber.subscribeAsync('alerts/#', { qos: 1 });
      gateway = await mqtt.connectAsync(centre.mqttUrl, { clientId: station.id, ...centre.credentials(station.id), reconnectPeriod: 0 });
      // Out of the instrument's range: a sensor fault fires at once (default rules, no pending).
      const value = (station.parameters.find((p) => p.parameter === 'COD')!.rangeMax ?? 500) + 100;
      await gateway.publishAsync(
        readingsTopic(station.id),
        JSON.stringify({ station: station.id, ts: Date.now(), readings: [{ parameter: 'COD', value, unit: 'mg/L', status: '00' }] }),
        { qos: 1 },
      );
      await vi.waitFor(() => expect(got.length).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
      expect(got[0]!.topic).toBe(`alerts/${zone}/${station.id}`);
      const event = AlertEventSchema.parse(JSON.parse(got[0]!.payload));
      expect(event).toMatchObject({ type: 'raised', alert: { id: `${station.id}|COD|sensor_fault`, rule: 'sensor_fault' } });
      expect(centre.alerts.open({ station: station.id })).toMatchObject([{ id: event.alert.id, state: 'firing' }]);
    });
  });
});
