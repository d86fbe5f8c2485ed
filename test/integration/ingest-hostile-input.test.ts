import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { errorsTopic, readingsTopic, type RejectionNotice, type Station } from '../../core/index.js';
import { listDeadLetters, type DeadLetter } from '../../ingest/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { storedReadings } from '../helpers/influx-query.js';

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
const ok = (ts: number | string, parameter = 'COD'): string =>
  `{"parameter":"${parameter}","value":54.2,"unit":"mg/L","status":"00","ts":${typeof ts === 'number' ? ts : `"${ts}"`}}`;

interface Case {
  name: string;
  payload: (station: string, ts: number) => string;
  /** The codes in the dead letter and notice, in order; whether the valid reading (COD at ts) is stored. */
  codes: string[];
  stored: boolean;
}

/**
 * Payloads that once failed admission (no PUBACK, the connection closed, nothing dead-lettered,
 * the valid readings lost), and impossible calendar dates that were rolled over: each over MQTT
 * through a real centre (docs/PROTOCOL.md, "Acceptance and rejection").
 */
describe('hostile payloads over MQTT: acknowledged, dead-lettered, the valid readings stored', () => {
  let centre: TestCentre;
  let station: Station;
  let client: MqttClient;
  let closes = 0;
  const notices: RejectionNotice[] = [];

  beforeAll(async () => {
    // A ten-year window, so the impossible dates below (in 2025) are refused for what they are, not for their age.
    centre = await startTestCentre(inject('influxUrl'), { READING_MAX_AGE_DAYS: '3650' });
    station = centre.catalogue.stations[0]!;
    client = mqtt.connect(centre.mqttUrl, {
      clientId: `${station.id}:hostile`,
      clean: true,
      reconnectPeriod: 0,
      ...centre.credentials(station),
    });
    client.on('close', () => closes++);
    client.on('message', (_t, payload) => notices.push(JSON.parse(payload.toString()) as RejectionNotice));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(errorsTopic(station.id), { qos: 1 });
  });
  afterAll(async () => {
    await client?.endAsync();
    await centre?.close();
  });

  const cases: Case[] = [
    {
      name: 'station nested 100,000 deep (a whole-message refusal)',
      payload: (s, ts) => `{"station":${deep(100_000)},"ts":${ts},"readings":[${ok(ts)}]}`,
      codes: ['station_mismatch'],
      stored: false,
    },
    {
      name: "a reading's status nested 100,000 deep, with a valid reading",
      payload: (s, ts) =>
        `{"station":"${s}","ts":${ts},"readings":[${ok(ts)},{"parameter":"TSS","value":1,"unit":"mg/L","status":${deep(100_000)}}]}`,
      codes: ['bad_status'],
      stored: true,
    },
    {
      name: 'a reading ts of 9e15 (past the Date range, under 2^53), with a valid reading',
      payload: (s, ts) =>
        `{"station":"${s}","ts":${ts},"readings":[${ok(ts)},{"parameter":"TSS","value":1,"unit":"mg/L","ts":9000000000000000}]}`,
      codes: ['bad_timestamp'],
      stored: true,
    },
    {
      name: 'impossible calendar dates (Nov 31, Feb 30, hour 24), with a valid reading',
      payload: (s, ts) =>
        `{"station":"${s}","ts":${ts},"readings":[${ok(ts)},${ok('2025-11-31T10:00:00Z', 'TSS')},${ok('2025-02-30T10:00:00+07:00', 'NH4')},${ok('2025-06-30T24:00:00Z', 'TSS')}]}`,
      codes: ['bad_timestamp', 'bad_timestamp', 'bad_timestamp'],
      stored: true,
    },
  ];

  const storedTimes: number[] = [];
  let index = 0;

  it.each(cases)('$name', async (c) => {
    const ts = Date.now() - 60_000 + index++ * 10;
    if (c.stored) storedTimes.push(ts);
    const before = notices.length;
    // publishAsync resolves on the PUBACK.
    await client.publishAsync(readingsTopic(station.id), c.payload(station.id, ts), { qos: 1 });
    await vi.waitFor(() => expect(notices.length).toBe(before + 1), { timeout: 10_000, interval: 20 });
    const notice = notices[before]!;
    expect(notice.errors.map((e) => e.code)).toEqual(c.codes);
    expect(notice.accepted).toBe(c.stored ? 1 : 0);
    for (const e of notice.errors) expect(e.message.length).toBeLessThan(300);
    expect(client.connected).toBe(true);
    expect(closes).toBe(0);
  });

  it('kept each message as a dead letter with its reasons', async () => {
    const records: DeadLetter[] = [];
    await vi.waitFor(
      async () => {
        records.length = 0;
        for await (const r of listDeadLetters({ dir: join(centre.dataDir, 'deadletters') })) records.push(r);
        expect(records).toHaveLength(cases.length);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(records.map((r) => r.errors.map((e) => e.code))).toEqual(cases.map((c) => c.codes));
    expect(records[3]!.errors.map((e) => e.message).join('\n')).toMatch(/2025-11 has days 01 to 30, not 31/);
  });

  it('stored the valid readings, and no rolled-over date', async () => {
    await centre.ingest.delivered(30_000);
    const stored = await storedReadings(centre.influx);
    expect(stored.map((p) => `${p.parameter}|${p.time}`).sort()).toEqual(storedTimes.map((t) => `COD|${t}`).sort());
    expect(client.connected).toBe(true);
    const metrics = await (await fetch(`${centre.dashboardUrl}/metrics`)).text();
    expect(metrics).toMatch(/quantrac_ingest_internal_errors_total\{stage="validate"\} 0/);
  });
});
