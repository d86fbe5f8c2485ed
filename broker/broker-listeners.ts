import { readFile } from 'node:fs/promises';
import type { Aedes } from 'aedes';
import { QuantracError } from '../core/index.js';
import { closeAedes } from './aedes-adapter.js';
import type { BrokerOptions } from './broker-options.js';
import type { BrokerContext } from './broker-context.js';
import { startListeners, type Listeners } from './listeners.js';
import { createConnectionGate } from './connection-gate.js';

/** A PUBLISH may carry this much besides its payload (topic, packet id) before the packet counts as too large. */
const HEADER_ALLOWANCE_BYTES = 1024;

async function readPem(path: string, variable: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new QuantracError('ERR_CONFIG', `${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * Opens the broker's listeners and hands each connection to Aedes behind the connection gate
 * (connection-gate.ts: the bound on connections not yet logged in, the packet size guard). If
 * a listener cannot open, Aedes is closed and ERR_LISTEN (or ERR_CONFIG for an unreadable
 * certificate) thrown.
 */
export async function openListeners(
  aedes: Aedes,
  ctx: BrokerContext,
  options: Pick<BrokerOptions, 'host' | 'port' | 'tls' | 'wsPort'>,
): Promise<Listeners> {
  const { clientLog, metrics } = ctx;
  const gate = createConnectionGate(aedes, ctx, ctx.limits.maxPayloadBytes + HEADER_ALLOWANCE_BYTES);
  const tls = options.tls && {
    port: options.tls.port,
    cert: await readPem(options.tls.certFile, 'MQTT_TLS_CERT'),
    key: await readPem(options.tls.keyFile, 'MQTT_TLS_KEY'),
  };
  try {
    return await startListeners({
      host: options.host,
      port: options.port,
      tls,
      ws: options.wsPort === undefined ? undefined : { port: options.wsPort, maxPayloadBytes: gate.maxRemaining },
      accept: gate.accept,
      onTlsError(address, err) {
        metrics.refusal('tls_handshake');
        clientLog('info', `address ${address}`, 'tls_handshake', { address, err: err.message }, 'TLS handshake failed');
      },
    });
  } catch (err) {
    await closeAedes(aedes);
    if (err instanceof QuantracError) throw err;
    throw new QuantracError('ERR_LISTEN', `MQTT listener: ${(err as Error).message}`, { cause: err });
  }
}
