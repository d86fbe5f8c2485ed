/** Topic building and parsing per PROTOCOL.md, "Topics". */
export type GatewayTopicKind = 'readings' | 'status' | 'errors';

export interface ParsedTopic {
  readonly kind: GatewayTopicKind;
  readonly stationId: string;
}

const STATION = /^[A-Z0-9][A-Z0-9_-]{2,63}$/;

export const readingsTopic = (stationId: string): string => `stations/${stationId}/readings`;
export const statusTopic = (stationId: string): string => `stations/${stationId}/status`;
export const errorsTopic = (stationId: string): string => `stations/${stationId}/errors`;
export const alertsTopic = (zoneId: string, stationId: string): string => `alerts/${zoneId}/${stationId}`;

/** Topics seen lately and what they parse to (null: not a gateway topic); cleared when full. */
const parsed = new Map<string, ParsedTopic | null>();
const PARSED_MAX = 20_000;

/**
 * Parses `stations/{id}/{readings|status|errors}`; anything else is undefined. Every message
 * is parsed three times (ACL, broker, ingest) and a country has a few thousand topics, so the
 * answers are kept (frozen) rather than split and matched again.
 */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const hit = parsed.get(topic);
  if (hit !== undefined) return hit ?? undefined;
  const t = parseTopicOnce(topic);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(topic, t ? Object.freeze(t) : null);
  return t;
}

function parseTopicOnce(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== 'stations') return undefined;
  const [, stationId, kind] = parts as [string, string, string];
  if (!STATION.test(stationId)) return undefined;
  if (kind !== 'readings' && kind !== 'status' && kind !== 'errors') return undefined;
  return { kind, stationId };
}
