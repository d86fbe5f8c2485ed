/**
 * main.ts's wiring of the levels of centres (docs/RELAY.md): the upstream relay of a centre
 * that forwards, and the downstream side of a centre that receives.
 */
import { join, resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import type { Presence } from './core/index.js';
import type { Ingest } from './ingest/index.js';
import { createDownstream, createRelay, relaySettings, type Downstream, type Relay } from './relay/index.js';
import type { Wiring } from './main-wiring.js';
import { createAuditLog, type AuditLogHandle } from './audit/index.js';

/**
 * The upstream relay (docs/RELAY.md), when UPSTREAM_URL is set: it forwards from the spool's
 * `upstream` cursor, advanced on the upstream's PUBACK. Without it the cursor is dropped, so a
 * relay configured once and then removed pins no disk. Created before the broker, so it sees
 * every presence change; closed before ingest (closers run in reverse).
 */
export async function startRelay(
  { config, log, catalogue, onClose }: Wiring,
  p: { ingest: Ingest; metrics: Registry; presence$: Observable<Presence> },
): Promise<Relay | undefined> {
  const settings = relaySettings(config);
  if (!settings) {
    await p.ingest.dropCursor('upstream');
    return undefined;
  }
  const relay = await createRelay({
    ...settings,
    cursor: await p.ingest.openCursor('upstream'),
    catalogue,
    presence$: p.presence$,
    registry: p.metrics,
    log: log.child({ component: 'relay' }),
  });
  onClose(() => relay.close());
  return relay;
}

/**
 * What downstream centres forward here (docs/PROTOCOL.md, "Between centres"): their alert
 * events, kept durably through the spool and shown apart from this centre's own alerts, and
 * their relays' link state. Closed after the broker (closers run in reverse).
 */
export function startDownstream(
  { log, catalogue, onClose }: Wiring,
  p: { ingest: Ingest; metrics: Registry; accountStations: (account: string) => readonly string[] | undefined },
): Downstream {
  const downstream = createDownstream({
    append: (lines) => p.ingest.appendLines(lines),
    deadLetter: (m, errors) => p.ingest.deadLetter(m, errors),
    catalogue,
    query: (q) => p.ingest.influx.query(q),
    accountStations: p.accountStations,
    log: log.child({ component: 'downstream' }),
    registry: p.metrics,
  });
  onClose(() => downstream.close());
  return downstream;
}

/** The audit log (DATA_DIR/audit/, docs/SECURITY.md "Audit log"): closed after everything that records into it. */
export async function startAudit({ config, log, onClose }: Wiring, registry: Registry): Promise<AuditLogHandle> {
  const audit = await createAuditLog({
    dir: join(resolve(config.DATA_DIR), 'audit'),
    retentionDays: config.AUDIT_RETENTION_DAYS,
    log: log.child({ component: 'audit' }),
    registry,
  });
  onClose(() => audit.close());
  return audit;
}
