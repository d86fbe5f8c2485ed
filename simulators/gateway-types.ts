import type { Logger, RejectionNotice, Station } from '../core/index.js';
import type { SchedulerLike } from '../platform/index.js';
import type { MalformedKind } from './scenario-schema.js';
import type { SimulatedReading, Tick } from './station-script.js';

export interface SimulatedMessage {
  station: string;
  seq: number;
  /** Measurement time, epoch ms (a backlog message: its newest reading's). */
  ts: number;
  readings: SimulatedReading[];
  /** A store-and-forward message: every reading carries its own `ts`. */
  backlog?: boolean;
  /** A defect sent on purpose (malformed scenario), with the code the centre should answer. */
  malformed?: { kind: MalformedKind; code: string; whole: boolean };
  /** When the publish was handed to the client and when it was acknowledged (PUBACK). */
  sentAt: number;
  ackedAt?: number;
}

export interface GatewayStats {
  ticks: number;
  lost: number;
  messages: number;
  acked: number;
  readingsAcked: number;
  backlogMessages: number;
  /** Readings waiting in the store right now, and overwritten because it was full. */
  backlog: number;
  overflowed: number;
  disconnects: number;
  notices: number;
}

export interface GatewayOptions {
  url: string;
  station: Station;
  credentials?: { username: string; password: string };
  /** Readings per store-and-forward message (PROTOCOL.md allows up to 1000). */
  backlogBatch: number;
  /** Store size, readings. */
  backlogMax: number;
  record?: (message: SimulatedMessage) => void;
  onAck?: (message: SimulatedMessage) => void;
  onNotice?: (station: string, notice: RejectionNotice) => void;
  log?: Logger;
  /** Timestamps (sent, acknowledged, status) and the close timeouts (default systemScheduler). */
  scheduler?: SchedulerLike;
}

export interface Gateway {
  readonly stats: GatewayStats;
  readonly connected: boolean;
  /** Resolves at the first CONNACK. */
  readonly firstConnect: Promise<void>;
  /** Delivers one sample: live when connected and nothing is waiting, else into the store. */
  send(tick: Tick): void;
  /** Puts history (older samples) into the store, to go out as a backlog. */
  store(ticks: readonly Tick[]): void;
  /** The offline scenario: drops the connection abruptly (the broker publishes the will) or comes back. */
  setOffline(offline: boolean): void;
  /** Resolves when the store is empty and every message is acknowledged (reconnecting if offline). */
  drain(): Promise<void>;
  /** Says goodbye (offline status, DISCONNECT) and closes. */
  close(): Promise<void>;
}

/** Counters all zero: a new gateway's, or the start of a sum over gateways. */
export function emptyStats(): GatewayStats {
  return {
    ticks: 0,
    lost: 0,
    messages: 0,
    acked: 0,
    readingsAcked: 0,
    backlogMessages: 0,
    backlog: 0,
    overflowed: 0,
    disconnects: 0,
    notices: 0,
  };
}
