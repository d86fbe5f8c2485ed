import type { Aedes } from 'aedes';
import { interval, type Subscription } from 'rxjs';
import type { Logger } from '../core/index.js';
import type { SchedulerLike } from '../platform/index.js';
import { listClients } from './aedes-adapter.js';
import type { Authenticator } from './authenticator.js';
import type { ClientRegistry } from './client-registry.js';

export interface CredentialsFollowerOptions {
  aedes: Aedes;
  auth: Pick<Authenticator, 'reload'>;
  clients: ClientRegistry;
  log: Logger;
  pollMs: number;
  scheduler: SchedulerLike;
}

/**
 * The CLI edits the credentials file while the centre runs: every `pollMs` the authenticator
 * re-reads it if it changed, and the connections of accounts that were disabled, rotated or
 * removed are closed. Unsubscribe to stop.
 */
export function followCredentials(options: CredentialsFollowerOptions): Subscription {
  const { clients, log } = options;
  const closeChanged = (changed: string[]): void => {
    if (changed.length === 0) return;
    const ids = new Set(changed);
    for (const client of listClients(options.aedes)) {
      const account = clients.get(client)?.identity?.account;
      if (account !== undefined && ids.has(account)) {
        log.warn(clients.who(client), 'credentials changed (disabled, rotated or removed); closing the connection');
        client.close();
      }
    }
  };
  return interval(options.pollMs, options.scheduler).subscribe(() => {
    options.auth.reload().then(closeChanged, (err: Error) => log.error({ err }, 'credentials reload failed'));
  });
}
