import { MAX_FOCUS_STATIONS } from '../../core/index.js';

/** core/live.ts `LiveClientMessage`, checked by hand (it is one small shape). */
export function parseClientMessage(text: string): { type: 'focus'; stations: string[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, stations } = parsed as Record<string, unknown>;
  if (type !== 'focus' || !Array.isArray(stations) || stations.length > MAX_FOCUS_STATIONS) return undefined;
  if (!stations.every((id): id is string => typeof id === 'string' && id.length <= 200)) return undefined;
  return { type, stations };
}
