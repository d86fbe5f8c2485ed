import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StationScope } from './scope.js';

/**
 * The shapes by which main.ts joins feature folders (docs/ARCHITECTURE.md, "Layers"): declared
 * once here, implemented by one folder and used by another, so no folder imports another.
 */

/** A message handed from the broker to ingest, which decides whether it is durable before the PUBACK. */
export interface AdmitMessage {
  topic: string;
  payload: Buffer;
  clientId?: string;
}

export interface AdmitResult {
  accepted: number;
  rejected: number;
}

export type Admit = (message: AdmitMessage) => Promise<AdmitResult>;

/** One series of an InfluxQL answer. */
export interface QuerySeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** Runs one InfluxQL statement over `/query` (epoch ms) and returns its series: ingest's InfluxDB client provides it. */
export type InfluxQuery = (influxql: string) => Promise<QuerySeries[]>;

/** The user a request was authenticated as, when it was. */
export interface RouteUser {
  name: string;
  role: string;
  /** The stations this user may see (core/scope.ts); a station out of scope answers 404, as if it did not exist. */
  scope: StationScope;
}

/**
 * A set of HTTP routes under one path prefix, mounted by the dashboard server: `handle` answers
 * and returns true, or returns false to let the next route try. `public` routes need no login.
 */
export interface Route {
  prefix: string;
  public?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, user?: RouteUser): Promise<boolean> | boolean;
}

/**
 * One audited action (docs/SECURITY.md, "Audit log"): who did what to what, from where. Written
 * as one JSON line; user-supplied text is kept as data, never as a new line.
 */
export interface AuditEntry {
  /** e.g. login, login_failed, logout, user_add, user_change, gateway_add, alert_ack, silence_add, export, scope_refused. */
  action: string;
  /** The acting user or account; undefined before login (a failed login names the name tried in `target`). */
  user?: string;
  /** The client address (raw), or `cli` for the command line. */
  address?: string;
  /** What it acted on: a user, an account, a station, an alert id, an export path. */
  target?: string;
  outcome?: 'ok' | 'refused' | 'failed';
  /** A few more facts (role given, scope, row count); never a secret. */
  detail?: Record<string, string | number | boolean>;
}

/** Appends audit entries; never throws into the caller (a full disk is logged and counted, the action still answers). */
export interface AuditLog {
  record(entry: AuditEntry): void;
}

/**
 * A durable log's cursor (docs/ARCHITECTURE.md, "One durable log, many cursors"): a consumer
 * of accepted readings (the upstream relay) reads the spool from its own position and advances
 * it only on its own sink's acknowledgement. Segments are removed only when every cursor has
 * passed them, and the slowest cursor counts against the spool's budget.
 */
export interface LogCursor {
  readonly name: string;
  /** The logical offset up to which this consumer is done (durable across restarts). */
  readonly position: number;
  /** Whole lines from `from` (at most maxBytes unless one line is longer, at most maxLines), never past what is durable. */
  read(from: number, maxBytes: number, maxLines: number): Promise<{ data: Buffer; end: number; lines: number }>;
  /** Records (fsynced) that everything before `to` reached the sink; `lines` is how many lines that was. */
  advance(to: number, lines: number): Promise<void>;
  /** Resolves at the next commit or advance (or close). */
  changed(): Promise<void>;
  /** How far behind: bytes and lines not yet advanced past, and the commit time (epoch ms) of the oldest of them. */
  backlog(): { bytes: number; points: number; oldestAt?: number };
}

/**
 * Cluster mode's replicated log (docs/ARCHITECTURE.md, "Cluster mode"; docs/CLUSTER.md): when
 * ingest is given one, it replaces the local spool on the admit path. `append` resolves only
 * once the text is held by as many Redis replicas as REDIS_WAIT_REPLICAS says, and rejects
 * otherwise with a retryable error, so the broker refuses the message (no PUBACK) and the
 * gateway resends it.
 */
export interface DurableLog {
  /** `text`: whole lines of line protocol, each ending in `\n`; `lines`: how many readings it holds. */
  append(text: string, lines: number): Promise<void>;
  /** For /healthz: whether an append can succeed now. */
  health(): DurableLogHealth;
  /**
   * Resolves once everything appended so far (by any node) is stored in InfluxDB; rejects
   * after `timeoutMs`. Ingest's `delivered()` in cluster mode.
   */
  delivered?(timeoutMs: number): Promise<void>;
}

export interface DurableLogHealth {
  /** Redis reachable, this node's connection on the primary, and enough replicas connected. */
  writable: boolean;
  /** Why not, in a few words (no address: /healthz is public). */
  reasons: string[];
  /** Replicas the primary reported at the last look. */
  replicas?: number;
  /** REDIS_WAIT_REPLICAS. */
  waitReplicas: number;
}

/**
 * Stores line protocol in InfluxDB (ingest's writer with split-on-refusal): resolves once every
 * line is stored or, refused on its own, dead-lettered; retries until then. Rejects only when
 * ingest is closing. Cluster mode's group delivery acknowledges its log entries after it.
 */
export type StoreLines = (lines: Buffer) => Promise<void>;
