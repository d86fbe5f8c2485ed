import mqtt, { type MqttClient } from 'mqtt';
import { errorsTopic, statusTopic, type Logger, type RejectionNotice, type Station } from '../core/index.js';
import type { Clock } from '../platform/index.js';

export interface ConnectionOptions {
  url: string;
  station: Station;
  credentials?: { username: string; password: string };
  log?: Logger;
  clock: Clock;
  /** False once the gateway dropped this connection (offline scenario): its CONNACKs are ignored. */
  isCurrent(): boolean;
  /** At every CONNACK of the current connection, after the online status and the errors subscription were sent. */
  onConnect(): void;
  onClose(): void;
  /** A rejection notice heard on the station's errors topic. */
  onNotice(notice: RejectionNotice): void;
}

/**
 * One MQTT connection of a station's gateway per docs/PROTOCOL.md: QoS 1, clean session, the
 * offline status as its will, the online status (retained) at every CONNACK, and a
 * subscription to its own errors topic. mqtt.js reconnects it every second after a loss.
 */
export function openConnection(options: ConnectionOptions): MqttClient {
  const { station } = options;
  const credentials = options.credentials ?? { username: station.id };
  const client = mqtt.connect(options.url, {
    // A client id starts with the account id (PROTOCOL.md, "Identity"); an account serving
    // several simulated stations gets one per station, or they would take each other over.
    clientId: credentials.username === station.id ? `${station.id}:sim` : `${credentials.username}:sim:${station.id}`,
    ...credentials,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    will: { topic: statusTopic(station.id), payload: Buffer.from(JSON.stringify({ state: 'offline' })), qos: 1, retain: true },
  });
  client.on('error', (err) => options.log?.warn({ err: err.message, station: station.id }, 'simulator client error'));
  client.on('close', () => options.onClose());
  client.on('message', (_topic, payload) => {
    let notice: RejectionNotice;
    try {
      notice = JSON.parse(payload.toString()) as RejectionNotice;
    } catch {
      return; // a gateway ignores what it cannot read
    }
    options.onNotice(notice);
  });
  client.on('connect', () => {
    if (!options.isCurrent()) return;
    const online = JSON.stringify({ state: 'online', ts: options.clock.now() });
    void client.publishAsync(statusTopic(station.id), online, { qos: 1, retain: true }).catch(() => undefined);
    // Hearing our own rejection notices is what a good gateway does (PROTOCOL.md, errors topic).
    client.subscribeAsync(errorsTopic(station.id), { qos: 1 }).catch(() => undefined);
    options.onConnect();
  });
  return client;
}
