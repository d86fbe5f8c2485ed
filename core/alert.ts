import { z } from 'zod';
import { ALERT_CODES } from './alert-codes.js';

/**
 * The alert model shared by the alerts engine, the dashboard and the MQTT `alerts/...` topic.
 * One alert exists per (station, parameter, rule), by construction: its id is that triple.
 */
export const SeveritySchema = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

export const AlertRuleSchema = z.enum(['threshold', 'average', 'trend', 'rate', 'stale', 'sensor_fault', 'backlog']);
export type AlertRule = z.infer<typeof AlertRuleSchema>;

export const AlertStateSchema = z.enum(['pending', 'firing', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertStateSchema>;

/**
 * The message codes this centre writes (core/alert-codes.ts). `Alert.code` stays a plain string:
 * a relayed alert from a newer centre may carry a code this one does not know yet.
 */
export const AlertCodeSchema = z.enum(ALERT_CODES);

export const AlertSchema = z.object({
  /** `${station}|${parameter}|${rule}`; parameter is `*` for station-wide rules (stale, backlog). */
  id: z.string(),
  station: z.string(),
  zone: z.string(),
  parameter: z.string(),
  rule: AlertRuleSchema,
  severity: SeveritySchema,
  state: AlertStateSchema,
  /** Human text, e.g. "COD 162 mg/L above the limit 150 mg/L" or "forecast to exceed at 14:20". */
  message: z.string(),
  /**
   * The message as data: a code (core/alert-text.ts) and its parameters, so that the page, the
   * e-mails and the webhooks render it in their reader's language. Absent on alerts stored
   * before codes existed: readers fall back to `message`.
   */
  code: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  value: z.number().optional(),
  limit: z.number().optional(),
  unit: z.string().optional(),
  /** Trend rule: when the limit is projected to be reached, epoch ms. */
  forecastAt: z.number().optional(),
  /** When the condition began / the alert fired / last changed, epoch ms. */
  since: z.number(),
  firedAt: z.number().optional(),
  updatedAt: z.number(),
  acknowledgedBy: z.string().optional(),
  acknowledgedAt: z.number().optional(),
  note: z.string().optional(),
  flapping: z.boolean().optional(),
  silenced: z.boolean().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertEventTypeSchema = z.enum(['raised', 'escalated', 'acknowledged', 'resolved', 'silenced', 'flapping', 'reminder']);
export type AlertEventType = z.infer<typeof AlertEventTypeSchema>;

export const AlertEventSchema = z.object({
  type: AlertEventTypeSchema,
  at: z.number(),
  alert: AlertSchema,
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;

/** A maintenance window: no notifications for a station (or one parameter of it) until `until`. */
export const SilenceSchema = z.object({
  id: z.string(),
  station: z.string(),
  parameter: z.string().optional(),
  from: z.number(),
  until: z.number(),
  by: z.string(),
  reason: z.string().optional(),
});
export type Silence = z.infer<typeof SilenceSchema>;

export interface AlertFilter {
  station?: string;
  zone?: string;
  severity?: Severity;
  rule?: AlertRule;
  from?: number;
  to?: number;
  limit?: number;
}

/** What the dashboard (REST and WebSocket) needs of the alerts engine. */
export interface AlertsApi {
  open(filter?: AlertFilter): Alert[];
  history(filter?: AlertFilter): Promise<AlertEvent[]>;
  /** A promise when the rules run in the alerts worker (ALERTS_THREAD=worker). */
  acknowledge(id: string, by: string, note?: string): Alert | undefined | Promise<Alert | undefined>;
  silence(input: { station: string; parameter?: string; until: number; by: string; reason?: string }): Silence | Promise<Silence>;
  silences(): Silence[];
}

/** Ingest's storage condition, raised as a `backlog` alert and shown on the dashboard. */
export interface StorageCondition {
  backlog: boolean;
  spoolBytes: number;
  budgetBytes: number;
  /** Set while admission is being slowed or paused. */
  backpressure: 'none' | 'slowing' | 'paused';
  since?: number;
  /**
   * The spool's consumers whose oldest unpassed data is older than the alert age, when any:
   * `influxdb` (delivery) and the names of the spool's cursors (e.g. `upstream`, the relay).
   */
  lagging?: string[];
}
