import type { Duplex } from 'node:stream';

/**
 * The connections accepted and not yet logged in, at most `max` at once. Before its login a
 * connection is anyone's, and each holds socket buffers and a parser; the bound keeps what
 * unauthenticated peers can make the centre hold fixed (docs/CONFIGURATION.md,
 * MQTT_MAX_PENDING_CONNECTIONS). A connection leaves when it logs in or closes.
 */
export interface PendingConnections {
  /** Takes a place for a new connection; false when all are taken (the caller closes it). */
  admit(conn: Duplex): boolean;
  /** The connection logged in: its place is free. */
  settle(conn: Duplex): void;
  readonly size: number;
}

export function createPendingConnections(max: number): PendingConnections {
  const pending = new Set<Duplex>();
  return {
    admit(conn) {
      if (pending.size >= max) return false;
      pending.add(conn);
      conn.once('close', () => pending.delete(conn));
      return true;
    },
    settle: (conn) => void pending.delete(conn),
    get size() {
      return pending.size;
    },
  };
}
