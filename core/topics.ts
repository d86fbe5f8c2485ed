/** Topic building and parsing per PROTOCOL.md, "Topics". */
export type GatewayTopicKind = 'readings' | 'status' | 'errors';

export interface ParsedTopic {
  kind: GatewayTopicKind;
  stationId: string;
}

const STATION = /^[A-Z0-9][A-Z0-9_-]{2,63}$/;

export const readingsTopic = (stationId: string): string => `stations/${stationId}/readings`;
export const statusTopic = (stationId: string): string => `stations/${stationId}/status`;
export const errorsTopic = (stationId: string): string => `stations/${stationId}/errors`;
export const alertsTopic = (zoneId: string, stationId: string): string => `alerts/${zoneId}/${stationId}`;

/** Parses `stations/{id}/{readings|status|errors}`; anything else is undefined. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== 'stations') return undefined;
  const [, stationId, kind] = parts as [string, string, string];
  if (!STATION.test(stationId)) return undefined;
  if (kind !== 'readings' && kind !== 'status' && kind !== 'errors') return undefined;
  return { kind, stationId };
}
