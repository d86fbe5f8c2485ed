import { z } from 'zod';
import { AlertRuleSchema, SeveritySchema } from './alert.js';

/**
 * Incidents: open alerts grouped into one warning of environmental risk (docs/INCIDENTS.md).
 * The shapes shared by the correlator (incidents/), the dashboard and the notifications.
 */
export const IncidentKindSchema = z.enum([
  /** One parameter at one station over its limit. */
  'exceedance',
  /** Several parameters at one wastewater outfall. */
  'multi_parameter',
  /** Several parameters at one stack together (e.g. O2 down, CO and dust up). */
  'stack_upset',
  /** Several stations of one zone within the window. */
  'zone_cluster',
  /** Stations along one receiving water, upstream to downstream. */
  'river_spread',
  /** A zone's central treatment plant: outlet rising while its inlet is normal. */
  'treatment_failure',
  /** A zone's central treatment plant: inlet and outlet both rising (the load passes through). */
  'treatment_overload',
]);
export type IncidentKind = z.infer<typeof IncidentKindSchema>;

export const IncidentStateSchema = z.enum(['open', 'acknowledged', 'investigating', 'closed']);
export type IncidentState = z.infer<typeof IncidentStateSchema>;

export const IncidentCauseSchema = z.enum(['spill', 'treatment_failure', 'bypass', 'instrument_fault', 'other']);
export type IncidentCause = z.infer<typeof IncidentCauseSchema>;

export const IncidentMemberSchema = z.object({
  alertId: z.string(),
  station: z.string(),
  parameter: z.string(),
  rule: AlertRuleSchema,
  severity: SeveritySchema,
  /** When the member joined the incident, epoch ms. */
  joinedAt: z.number(),
  /** Set once the member alert resolved. */
  resolvedAt: z.number().optional(),
});
export type IncidentMember = z.infer<typeof IncidentMemberSchema>;

export const IncidentTimelineTypeSchema = z.enum([
  'opened',
  'joined',
  'member_escalated',
  'member_resolved',
  'escalated',
  'acknowledged',
  'investigating',
  'closed',
]);
export type IncidentTimelineType = z.infer<typeof IncidentTimelineTypeSchema>;

export const IncidentTimelineEntrySchema = z.object({
  at: z.number(),
  type: IncidentTimelineTypeSchema,
  alertId: z.string().optional(),
  station: z.string().optional(),
  parameter: z.string().optional(),
  by: z.string().optional(),
});
export type IncidentTimelineEntry = z.infer<typeof IncidentTimelineEntrySchema>;

/** What is forecast next: the earliest limit crossing the members' trend rules project. */
export const IncidentProjectionSchema = z.object({
  station: z.string(),
  parameter: z.string(),
  limit: z.number().optional(),
  unit: z.string().optional(),
  at: z.number(),
});
export type IncidentProjection = z.infer<typeof IncidentProjectionSchema>;

export const IncidentSchema = z.object({
  id: z.string(),
  kind: IncidentKindSchema,
  severity: SeveritySchema,
  state: IncidentStateSchema,
  /** Where: the zone (and province) of its first member, the receiving water and its reach. */
  zone: z.string(),
  province: z.string().optional(),
  water: z.string().optional(),
  /** Positions along the water (catalogue `water.order`), upstream first: the reach it covers. */
  reach: z.tuple([z.number(), z.number()]).optional(),
  startedAt: z.number(),
  updatedAt: z.number(),
  members: z.array(IncidentMemberSchema),
  timeline: z.array(IncidentTimelineEntrySchema),
  projection: IncidentProjectionSchema.optional(),
  owner: z.string().optional(),
  cause: IncidentCauseSchema.optional(),
  note: z.string().optional(),
  closedAt: z.number().optional(),
  closedBy: z.string().optional(),
});
export type Incident = z.infer<typeof IncidentSchema>;

export const IncidentEventTypeSchema = z.enum(['opened', 'updated', 'escalated', 'acknowledged', 'investigating', 'closed']);
export type IncidentEventType = z.infer<typeof IncidentEventTypeSchema>;

export const IncidentEventSchema = z.object({ type: IncidentEventTypeSchema, at: z.number(), incident: IncidentSchema });
export type IncidentEvent = z.infer<typeof IncidentEventSchema>;

/** The incident events that reach people (e-mail, webhooks): one per opening, escalation and closing. */
export const NOTIFIED_INCIDENT_EVENTS: readonly IncidentEventType[] = ['opened', 'escalated', 'closed'];
