import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorsTopic, readingsTopic, type RejectionNotice, type Station } from '../../core/index.js';
import { listDeadLetters, MAX_PAYLOAD_BYTES, type DeadLetter } from '../../ingest/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { runCli } from '../helpers/cli-process.js';
import { storedReadings } from '../helpers/influx-query.js';

interface Case {
  name: string;
  /** The payload; `ts` is a unique timestamp for this case's valid reading. */
  payload: (ts: number, seq: number) => string | Buffer;
  /** Rejection codes in the notice, and how many readings were stored. */
  codes: string[];
  accepted: number;
}

const now = (): number => Date.now();
const ok = (ts: number) => ({ parameter: 'COD', value: 54.2, unit: 'mg/L', status: '00', ts });
const msg = (station: string, seq: number, readings: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ station, ts: now(), seq, readings, ...extra });
const LP_BREAKERS = ['a,b', 'a b', 'a=b', 'a"b', 'a\\b', 'a\nb\r', 'Nồng độ ô nhiễm ≤ 5'];

/**
 * The bad-input battery: each case's documented outcome (docs/OPERATIONS.md, "Bad input: what the centre does"), with
 * the gateway's connection and the centre alive throughout, and the valid readings of mixed
 * messages stored.
 */
describe('bad input battery over MQTT', () => {
  let centre: TestCentre;
  let station: Station;
  let client: MqttClient;
  let closes = 0;
  const notices: RejectionNotice[] = [];
  const noticeWaiters: Array<() => void> = [];

  beforeAll(async () => {
    centre = await startTestCentre(inject('influxUrl'));
    station = centre.catalogue.stations[0]!;
    client = mqtt.connect(centre.mqttUrl, {
      clientId: `${station.id}:battery`,
      clean: false,
      reconnectPeriod: 0,
      ...centre.credentials(station),
    });
    client.on('close', () => closes++);
    client.on('message', (_t, payload) => {
      notices.push(JSON.parse(payload.toString()) as RejectionNotice);
      for (const w of noticeWaiters.splice(0)) w();
    });
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

  const S = (): string => station.id;
  const cases: Case[] = [
    { name: 'not JSON', payload: () => '{"station": "x", readings: [', codes: ['not_json'], accepted: 0 },
    { name: 'a JSON array', payload: () => '[{"parameter":"COD"}]', codes: ['bad_shape'], accepted: 0 },
    { name: 'invalid UTF-8', payload: () => Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), codes: ['not_utf8'], accepted: 0 },
    {
      name: 'missing station',
      payload: (ts, seq) => JSON.stringify({ ts, seq, readings: [ok(ts)] }),
      codes: ['missing_field'],
      accepted: 0,
    },
    { name: 'missing readings', payload: (ts, seq) => JSON.stringify({ station: S(), ts, seq }), codes: ['missing_field'], accepted: 0 },
    {
      name: 'missing fields in a reading, with a valid one',
      payload: (ts, seq) =>
        msg(S(), seq, [ok(ts), { parameter: 'TSS', unit: 'mg/L' }, { value: 1, unit: 'mg/L' }, { parameter: 'NH4', value: 1 }]),
      codes: ['missing_field', 'missing_field', 'missing_field'],
      accepted: 1,
    },
    {
      name: 'wrong types, with a valid one',
      payload: (ts, seq) =>
        msg(S(), seq, [
          ok(ts),
          { parameter: 'TSS', value: '12.5', unit: 'mg/L' },
          { parameter: 7, value: 1, unit: 'mg/L' },
          'COD',
          { parameter: 'NH4', value: 1, unit: 'mg/L', status: 0 },
        ]),
      codes: ['wrong_type', 'wrong_type', 'wrong_type', 'bad_status'],
      accepted: 1,
    },
    {
      name: 'seq of the wrong type (malformed message)',
      payload: (ts) => msg(S(), 0, [ok(ts)], { seq: 'seven' }),
      codes: ['wrong_type'],
      accepted: 0,
    },
    {
      name: 'NaN and Infinity (bare tokens) and 1e999, with a valid one',
      payload: (ts, seq) =>
        `{"station":"${S()}","ts":${ts},"seq":${seq},"readings":[${JSON.stringify(ok(ts))},{"parameter":"TSS","value":NaN,"unit":"mg/L"},{"parameter":"NH4","value":Infinity,"unit":"mg/L"},{"parameter":"pH","value":-Infinity,"unit":"pH"},{"parameter":"Color","value":1e999,"unit":"Pt-Co"}]}`,
      codes: ['not_finite', 'not_finite', 'not_finite', 'not_finite'],
      accepted: 1,
    },
    {
      name: 'unknown parameter, with a valid one',
      payload: (ts, seq) => msg(S(), seq, [ok(ts), { parameter: 'SO2', value: 1, unit: 'mg/Nm3' }]),
      codes: ['unknown_parameter'],
      accepted: 1,
    },
    {
      name: 'unit mismatch, with a valid one (and an alias that is fine)',
      payload: (ts, seq) =>
        msg(S(), seq, [ok(ts), { parameter: 'TSS', value: 1, unit: 'ppm' }, { parameter: 'NH4', value: 1, unit: 'mg/l', ts: ts + 1 }]),
      codes: ['unit_mismatch'],
      accepted: 2,
    },
    {
      name: 'a timestamp 31 days old and one 10 minutes ahead, with a valid one',
      payload: (ts, seq) =>
        msg(S(), seq, [
          ok(ts),
          { parameter: 'TSS', value: 1, unit: 'mg/L', ts: now() - 31 * 86_400_000 },
          { parameter: 'NH4', value: 1, unit: 'mg/L', ts: now() + 10 * 60_000 },
        ]),
      codes: ['too_old', 'in_future'],
      accepted: 1,
    },
    {
      name: 'station mismatch (malformed message)',
      payload: (ts, seq) => msg('BN-YENPHONG-F002-NT1', seq, [ok(ts)]),
      codes: ['station_mismatch'],
      accepted: 0,
    },
    {
      name: 'payload of 256 KiB + 1',
      payload: (ts, seq) => {
        const base = msg(S(), seq, [ok(ts)], { pad: '' });
        return base.replace('"pad":""', `"pad":"${'x'.repeat(MAX_PAYLOAD_BYTES + 1 - Buffer.byteLength(base))}"`);
      },
      codes: ['too_large'],
      accepted: 0,
    },
    {
      name: '1,001 readings',
      payload: (ts, seq) =>
        msg(
          S(),
          seq,
          Array.from({ length: 1001 }, (_, i) => ok(ts + i)),
        ),
      codes: ['too_many_readings'],
      accepted: 0,
    },
    ...LP_BREAKERS.map((s): Case => ({
      name: `line-protocol breakers in every string field: ${JSON.stringify(s)}`,
      payload: (ts, seq) =>
        msg(
          S(),
          seq,
          [
            ok(ts),
            { parameter: s, value: 1, unit: 'mg/L' },
            { parameter: 'TSS', value: 1, unit: s },
            { parameter: 'NH4', value: 1, unit: 'mg/L', status: s },
            { parameter: 'Color', value: 1, unit: 'Pt-Co', ts: s },
          ],
          { note: s, extra: { [s]: s } },
        ),
      codes: ['unknown_parameter', 'unit_mismatch', 'bad_status', 'bad_timestamp'],
      accepted: 1,
    })),
    ...LP_BREAKERS.map((s): Case => ({
      name: `line-protocol breakers in station: ${JSON.stringify(s)}`,
      payload: (ts, seq) => msg(s, seq, [ok(ts)]),
      codes: ['station_mismatch'],
      accepted: 0,
    })),
    ...LP_BREAKERS.map((s): Case => ({
      name: `line-protocol breakers in the message ts: ${JSON.stringify(s)}`,
      payload: (_ts, seq) => JSON.stringify({ station: S(), ts: s, seq, readings: [{ parameter: 'COD', value: 1, unit: 'mg/L' }] }),
      codes: ['bad_timestamp'],
      accepted: 0,
    })),
  ];

  const expectedStored: string[] = [];
  let caseIndex = 0;

  it.each(cases)('$name', async (c) => {
    const seq = 1000 + caseIndex;
    const ts = now() - 60_000 + caseIndex * 10; // distinct per case
    caseIndex++;
    const before = notices.length;
    const arrived = new Promise<void>((resolve) => noticeWaiters.push(resolve));
    await client.publishAsync(readingsTopic(station.id), c.payload(ts, seq) as Buffer, { qos: 1 }); // the PUBACK comes
    await Promise.race([
      arrived,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no rejection notice within 10 s')), 10_000)),
    ]);
    const notice = notices[before]!;
    expect(notice.errors.map((e) => e.code)).toEqual(c.codes);
    expect(notice.accepted).toBe(c.accepted);
    for (const e of notice.errors) expect(e.message.length).toBeLessThan(300);
    if (c.accepted > 0) {
      expectedStored.push(`COD|${ts}`);
      if (c.accepted === 2) expectedStored.push(`NH4|${ts + 1}`);
    }
    expect(client.connected).toBe(true);
    expect(closes).toBe(0);
  });

  it('stored the valid readings of the mixed messages, and nothing else', async () => {
    await centre.ingest.delivered(30_000);
    const stored = await storedReadings(centre.influx);
    expect(stored.map((p) => `${p.parameter}|${p.time}`).sort()).toEqual([...expectedStored].sort());
    expect(new Set(stored.map((p) => p.station))).toEqual(new Set([station.id]));
    expect(new Set(stored.map((p) => p.status))).toEqual(new Set(['00']));
  });

  it('kept every message in the dead-letter store, raw (base64 when not UTF-8), and the CLI lists them', async () => {
    const records: DeadLetter[] = [];
    for await (const r of listDeadLetters({ dir: join(centre.dataDir, 'deadletters') })) records.push(r);
    expect(records).toHaveLength(cases.length);
    expect(records.map((r) => r.codes)).toEqual(cases.map((c) => [...new Set(c.codes)]));
    expect(records.every((r) => r.topic === readingsTopic(station.id) && r.clientId === `${station.id}:battery`)).toBe(true);
    expect(Buffer.from(records[2]!.payloadBase64!, 'base64')).toEqual(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    expect(records[0]!.payload).toBe('{"station": "x", readings: [');

    const cli = runCli(['deadletters', '--station', station.id, '--since', '1h'], { DATA_DIR: centre.dataDir, LOG_LEVEL: 'silent' });
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain(`${cases.length} dead letters`);
    expect(cli.stdout()).toMatch(/too_many_readings/);
    const json = runCli(['deadletters', '--json', '--data-dir', centre.dataDir], { LOG_LEVEL: 'silent' });
    expect(await json.exited).toBe(0);
    expect(json.stdout().trim().split('\n')).toHaveLength(cases.length);
  });

  it('the connection and the centre are still serving: a clean message is acknowledged and stored once, even resent', async () => {
    const ts = now() - 5000;
    const clean = msg(station.id, 5000, [ok(ts)]);
    await client.publishAsync(readingsTopic(station.id), clean, { qos: 1 });
    await client.publishAsync(readingsTopic(station.id), clean, { qos: 1 }); // a resend: same point
    await centre.ingest.delivered(30_000);
    expect((await storedReadings(centre.influx, `WHERE time = ${ts}ms`)).map((p) => p.value)).toEqual([54.2]);
    expect(closes).toBe(0);
    const res = await fetch(`${centre.dashboardUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = await res.text();
    expect(metrics).toContain(`quantrac_ingest_seq_duplicates_total{station="${station.id}"} 1`);
    expect(metrics).toMatch(new RegExp(`quantrac_ingest_seq_gaps_total\\{station="${station.id}"\\} [1-9]`));
    expect(metrics).toMatch(/quantrac_ingest_readings_rejected_total\{code="not_finite"\} 4/);
    expect(metrics).toMatch(/quantrac_dead_letters_total\{kind="message"\} \d+/);
  });
});
