import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readingsTopic } from '../../core/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { countReadings } from '../helpers/influx-query.js';

const metric = (text: string, name: string): number =>
  Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('group commit over MQTT', () => {
  let centre: TestCentre | undefined;
  let client: MqttClient | undefined;
  afterEach(async () => {
    await client?.endAsync(true);
    await centre?.close();
  });

  it('the messages of a socket chunk (and of every commit in progress) share one fsync; each PUBACK follows it', async () => {
    centre = await startTestCentre(inject('influxUrl'));
    const station = centre.catalogue.stations[0]!;
    const gw = (client = await mqtt.connectAsync(centre.mqttUrl, { clientId: `${station.id}:burst`, ...centre.credentials(station) }));
    const t0 = Date.now() - 60_000;
    const n = 500;
    // A gateway sending its backlog after an outage: many QoS 1 publishes without waiting.
    const acks = Promise.all(
      Array.from({ length: n }, (_, i) =>
        gw.publishAsync(
          readingsTopic(station.id),
          JSON.stringify({
            station: station.id,
            ts: t0 + i,
            seq: i,
            readings: [{ parameter: 'COD', value: i, unit: 'mg/L' }],
          }),
          { qos: 1 },
        ),
      ),
    );
    // Bounded well below the client's keepalive (60 s): a broker that stops reading the socket
    // and only resumes on the next PINGREQ fails here rather than passing slowly.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      acks,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the burst of ${n} was not acknowledged within 30 s`)), 30_000);
      }),
    ]);
    clearTimeout(timer);
    const text = await (await fetch(`${centre.dashboardUrl}/metrics`)).text();
    const messages = metric(text, 'quantrac_ingest_messages_total');
    const commits = metric(text, 'quantrac_spool_commits_total');
    expect(messages).toBe(n);
    expect(commits).toBeLessThan(n / 5);
    await centre.ingest.delivered(30_000);
    expect(await countReadings(centre.influx)).toBe(n);
    console.info(`group commit: ${n} messages in ${commits} fsyncs`);
  });
});
