import type { Client, ConnectPacket } from 'aedes';
import type { Identity } from './acl.js';

/** What the broker knows of one connection. */
export interface ClientState {
  address: string;
  /** The CONNECT, until authentication: its clean flag is changed there for subscribers. */
  connect?: ConnectPacket;
  identity?: Identity;
  ready: boolean;
  dropped: boolean;
}

/** The broker's per-connection state, from accept to the end of the connection (weakly held). */
export interface ClientRegistry {
  /** Aedes made a client for a new connection from `address` (listeners' accept). */
  accepted(client: Client, address: string): void;
  get(client: Client): ClientState | undefined;
  /** The fields that name a client in a log line. */
  who(client: Client): { clientId: string; address: string | undefined; account: string | undefined };
  /** The key a client's repeatable errors are rate-limited by: its client id, else its address. */
  key(client: Client | undefined, address?: string): string;
}

export function createClientRegistry(): ClientRegistry {
  const states = new WeakMap<Client, ClientState>();
  return {
    accepted: (client, address) => void states.set(client, { address, ready: false, dropped: false }),
    get: (client) => states.get(client),
    who(client) {
      const s = states.get(client);
      return { clientId: client.id, address: s?.address, account: s?.identity?.account };
    },
    key(client, address) {
      if (client?.id) return `client ${client.id}`;
      return `address ${address ?? (client && states.get(client)?.address)}`;
    },
  };
}
