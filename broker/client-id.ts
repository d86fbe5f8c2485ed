/**
 * Characters that may follow an account id in a client id it owns. Neither may appear in an
 * account id (AccountIdSchema: letters, digits, `_`, `.`, `-`), so a client id has at most one
 * owner: were `-` allowed, `STATION-A` would own `STATION-A-B`, the client id of the account
 * `STATION-A-B`, and could take its session over.
 */
const SEPARATORS = new Set([':', '/']);

/**
 * Whether `account` may connect with this client id (PROTOCOL.md, "Identity"): its own id, or
 * its id followed by `:` or `/` and anything. MQTT lets a new connection with a client id
 * take over the session of the one using it [MQTT-3.1.4-2] (Aedes closes that one, publishes
 * its will, and hands a persistent session's queued messages to the newcomer), so an account
 * must never reach another account's client ids.
 */
export function ownsClientId(account: string, clientId: string): boolean {
  if (!clientId.startsWith(account)) return false;
  return clientId.length === account.length || SEPARATORS.has(clientId[account.length]!);
}
