import { z } from 'zod';

/** Station data status codes (docs/DOMAIN.md): 00 measuring, 01 calibrating, 02 device fault. */
export const StatusSchema = z.enum(['00', '01', '02']);
export type Status = z.infer<typeof StatusSchema>;

/** One accepted reading, as ingest hands it to the live path (`readings$`). */
export const ReadingSchema = z.object({
  station: z.string(),
  zone: z.string(),
  parameter: z.string(),
  value: z.number(),
  unit: z.string(),
  status: StatusSchema,
  /** Time of measurement, epoch ms. */
  ts: z.number().int(),
  /** When the centre received it, epoch ms. */
  receivedAt: z.number().int(),
});
export type Reading = z.infer<typeof ReadingSchema>;

/** A station's presence as told by its `status` topic or its will. */
export const PresenceSchema = z.object({
  station: z.string(),
  state: z.enum(['online', 'offline']),
  ts: z.number().int(),
  reason: z.enum(['status', 'will', 'disconnect', 'connect']).optional(),
});
export type Presence = z.infer<typeof PresenceSchema>;

/** One rejection reason as sent on `stations/{id}/errors` (PROTOCOL.md). */
export const RejectionSchema = z.object({
  path: z.string(),
  code: z.string(),
  message: z.string(),
});
export type Rejection = z.infer<typeof RejectionSchema>;

export const RejectionNoticeSchema = z.object({
  seq: z.number().int().nonnegative().optional(),
  receivedAt: z.string(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(RejectionSchema),
});
export type RejectionNotice = z.infer<typeof RejectionNoticeSchema>;
