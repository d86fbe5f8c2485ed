import { parseTopic } from '../core/index.js';

/** Who a connection is, once authenticated. */
export type Identity =
  | { readonly account: string; readonly role: 'gateway'; readonly stations: ReadonlySet<string> }
  | { readonly account: string; readonly role: 'subscriber' };

/**
 * PROTOCOL.md, "Topics", ACL: a gateway publishes only its own stations' `readings` and
 * `status`. Operators' and integrations' accounts publish nothing.
 */
export function mayPublish(identity: Identity, topic: string): boolean {
  if (identity.role !== 'gateway') return false;
  const t = parseTopic(topic);
  return t !== undefined && (t.kind === 'readings' || t.kind === 'status') && identity.stations.has(t.stationId);
}

/**
 * PROTOCOL.md ACL: a gateway subscribes only to its own stations' `errors`, by exact topic
 * (no wildcard, no `$SYS`); a subscriber reads `alerts/#` and filters under it, and nothing a
 * gateway writes.
 */
export function maySubscribe(identity: Identity, filter: string): boolean {
  if (identity.role === 'subscriber') {
    const levels = filter.split('/');
    return levels[0] === 'alerts' && levels.length >= 2;
  }
  const t = parseTopic(filter);
  return t !== undefined && t.kind === 'errors' && identity.stations.has(t.stationId);
}
