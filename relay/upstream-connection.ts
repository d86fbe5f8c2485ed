import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** One live MQTT connection to the upstream centre, as the relay's parts use it (tests give a fake). */
export interface UpstreamConnection {
  /** Resolves at the PUBACK (QoS 1) or once written (QoS 0); rejects when the connection closes first. */
  publish(topic: string, payload: string, options: { qos: 0 | 1; retain?: boolean }): Promise<void>;
  /** Subscribes at QoS 1; resolves with the topics the upstream refused (SUBACK 0x80). */
  subscribe(topics: string[]): Promise<string[]>;
  onMessage(handler: (topic: string, payload: Buffer) => void): void;
  /** Aborted when the connection is lost; `reason` is an Error saying why. */
  readonly closed: AbortSignal;
  /** Ends the connection (DISCONNECT when still open); what is in flight is dropped. */
  end(): Promise<void>;
}

/** Opens a connection, or rejects with an Error saying why (an UpstreamRefused for a CONNACK refusal). */
export type ConnectUpstream = () => Promise<UpstreamConnection>;

/** The upstream answered CONNACK with a refusal (docs/PROTOCOL.md, "Identity": 4 bad user name or password, 5 not authorised). */
export class UpstreamRefused extends Error {
  constructor(readonly code: number) {
    super(`the upstream refused the connection: ${REFUSALS[code] ?? 'return code'} (CONNACK ${code})`);
    this.name = 'UpstreamRefused';
  }
}

const REFUSALS: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorised',
};

export interface MqttConnectOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  /** PEM text of the CA for mqtts:// with a private CA. */
  ca?: string;
  will: { topic: string; payload: string };
  connectTimeoutMs?: number;
  keepaliveS?: number;
}

/**
 * The mqtt.js connector: clean session, no automatic reconnect (the relay reconnects by its own
 * back-off and resumes from its cursor, so nothing mqtt.js queued must be resent behind it),
 * MQTT 3.1.1, a retained will. Errors never carry the password.
 */
export function mqttConnector(options: MqttConnectOptions): ConnectUpstream {
  const clientOptions: IClientOptions = {
    username: options.username,
    password: options.password,
    clientId: options.clientId,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: options.connectTimeoutMs ?? 15_000,
    keepalive: options.keepaliveS ?? 30,
    resubscribe: false,
    queueQoSZero: false,
    will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: true },
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
  return () =>
    new Promise((resolve, reject) => {
      const client = mqtt.connect(options.url, clientOptions);
      const fail = (err: Error & { code?: unknown }): void => {
        client.removeAllListeners();
        client.on('error', () => undefined);
        client.end(true);
        reject(typeof err.code === 'number' && err.code > 0 ? new UpstreamRefused(err.code) : new Error(describe(err)));
      };
      client.once('error', fail);
      client.once('close', () => fail(new Error('the connection closed before CONNACK')));
      client.once('connect', () => {
        client.removeAllListeners();
        resolve(wrap(client));
      });
    });
}

function describe(err: Error & { code?: unknown }): string {
  return typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message;
}

function wrap(client: MqttClient): UpstreamConnection {
  const lost = new AbortController();
  let lastError: Error | undefined;
  client.on('error', (err) => (lastError = err));
  client.on('close', () => {
    if (!lost.signal.aborted) lost.abort(new Error(lastError ? `connection lost: ${describe(lastError)}` : 'connection closed'));
    client.end(true);
  });
  return {
    closed: lost.signal,
    publish: (topic, payload, opts) =>
      new Promise((resolve, reject) => {
        if (lost.signal.aborted) return reject(lost.signal.reason as Error);
        client.publish(topic, payload, { qos: opts.qos, retain: opts.retain ?? false }, (err) => (err ? reject(err) : resolve()));
      }),
    subscribe: async (topics) => {
      if (topics.length === 0) return [];
      const granted = await client.subscribeAsync(topics, { qos: 1 });
      return granted.filter((g) => g.qos === 128).map((g) => g.topic);
    },
    onMessage: (handler) => void client.on('message', (topic, payload) => handler(topic, payload)),
    end: async () => {
      if (!lost.signal.aborted) lost.abort(new Error('closed by the relay'));
      await client.endAsync(true);
    },
  };
}
