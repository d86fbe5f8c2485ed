import { parseForwardedTopic, parseTopic } from '../core/index.js';

/** Who a connection is, once authenticated. */
export type Identity =
  | { readonly account: string; readonly role: 'gateway' | 'relay'; readonly stations: ReadonlySet<string> }
  | { readonly account: string; readonly role: 'subscriber' };

/** What a publication is: a gateway topic (ingest or presence), or one a relay forwards (forwarded-topics.ts). */
export type PublishKind = 'readings' | 'status' | 'alert' | 'relay-status';

/**
 * PROTOCOL.md, "Topics", ACL: a gateway publishes only its own stations' `readings` and
 * `status`; a relay also its stations' `alerts` and its own `centres/{account}/relay`
 * ("Between centres"). Operators' and integrations' accounts publish nothing. Returns what
 * the publication is, or undefined when it is refused.
 */
export function publishKind(identity: Identity, topic: string): PublishKind | undefined {
  if (identity.role === 'subscriber') return undefined;
  const t = parseTopic(topic);
  if (t !== undefined) return (t.kind === 'readings' || t.kind === 'status') && identity.stations.has(t.stationId) ? t.kind : undefined;
  if (identity.role !== 'relay') return undefined;
  const f = parseForwardedTopic(topic);
  if (f?.kind === 'alert') return identity.stations.has(f.stationId) ? 'alert' : undefined;
  if (f?.kind === 'relay-status') return f.account === identity.account ? 'relay-status' : undefined;
  return undefined;
}

/** Whether `identity` may publish to `topic` (publishKind, as a yes or no). */
export function mayPublish(identity: Identity, topic: string): boolean {
  return publishKind(identity, topic) !== undefined;
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
