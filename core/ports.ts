import type { IncomingMessage, ServerResponse } from 'node:http';

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
