import { z } from 'zod';

/**
 * Between centres (docs/PROTOCOL.md, "Between centres"): what a province centre's relay
 * account publishes besides the gateway contract, its stations' alert events on
 * `stations/{id}/alerts` and its own link state on `centres/{account}/relay`. Parsed here
 * rather than by `parseTopic` (topics.ts), which ingest reads as "a gateway topic".
 */
export type ForwardedTopic = { kind: 'alert'; stationId: string } | { kind: 'relay-status'; account: string };

/** A forwarded publication as the broker hands it on, before its PUBACK (like `Admit`). */
export interface ForwardedMessage {
  kind: ForwardedTopic['kind'];
  /** The relay account that published it. */
  account: string;
  topic: string;
  payload: Buffer;
}

/** Takes a forwarded publication; the PUBACK waits for it, and a rejection closes the relay's connection so it resends. */
export type AcceptForwarded = (message: ForwardedMessage) => Promise<void>;

const STATION = /^[A-Z0-9][A-Z0-9_-]{2,63}$/;
/** The account id's form (broker/credentials-file.ts, AccountIdSchema). */
const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$/;

export const relayedAlertsTopic = (stationId: string): string => `stations/${stationId}/alerts`;
export const relayStatusTopic = (account: string): string => `centres/${account}/relay`;

/** Parses `stations/{id}/alerts` or `centres/{account}/relay`; anything else is undefined. */
export function parseForwardedTopic(topic: string): ForwardedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 3) return undefined;
  const [root, id, leaf] = parts as [string, string, string];
  if (root === 'stations' && leaf === 'alerts' && STATION.test(id)) return { kind: 'alert', stationId: id };
  if (root === 'centres' && leaf === 'relay' && ACCOUNT.test(id)) return { kind: 'relay-status', account: id };
  return undefined;
}

const count = z.number().int().nonnegative();

/**
 * `centres/{account}/relay`, retained: the province's upstream link as the province sees it.
 * The will is `{"connected":false}` alone, so every other field is optional.
 */
export const RelayStatusSchema = z.object({
  connected: z.boolean(),
  ts: z.number().int().nonnegative().optional(),
  backlogBytes: count.optional(),
  backlogPoints: count.optional(),
  lagMs: z.number().nonnegative().optional(),
  forwarded: count.optional(),
});
export type RelayStatus = z.infer<typeof RelayStatusSchema>;
