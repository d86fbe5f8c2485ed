/**
 * Publish-to-alert latency (docs/PERFORMANCE.md, "How it is measured", step 4): an operator's
 * MQTT subscriber on `alerts/#`; the exceeding reading's `ts` is its publish time, so a raised
 * alert's `since` is when its reading was published.
 */
import mqtt from 'mqtt';
import type { Alert } from '../core/index.js';
import type { CentreProcess } from './centre-process.js';

/** The latencies (ms) of the SO2 threshold alerts raised, and the subscriber's end. */
export interface AlertLatency {
  latencies: number[];
  end(): Promise<void>;
}

export async function subscribeAlerts(centre: CentreProcess): Promise<AlertLatency> {
  const latencies: number[] = [];
  const sub = await mqtt.connectAsync(centre.mqttUrl, { ...centre.subscriber, clientId: 'bench-alerts', reconnectPeriod: 0 });
  await sub.subscribeAsync('alerts/#', { qos: 1 });
  sub.on('message', (_topic, payload) => {
    const now = Date.now();
    const event = JSON.parse(payload.toString()) as { type?: string; alert?: Alert };
    if (event.type === 'raised' && event.alert?.rule === 'threshold' && event.alert.parameter === 'SO2')
      latencies.push(now - event.alert.since);
  });
  return { latencies, end: () => sub.endAsync() };
}
