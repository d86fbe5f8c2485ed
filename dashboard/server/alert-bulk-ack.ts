import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Alert, AlertsApi, Logger, StationScope } from '../../core/index.js';
import { sendJson } from '../../platform/index.js';
import { AckSchema, parseBody } from './alert-input.js';
import { methodIs, refusedByScope, requireRole, type ApiContext } from './api-context.js';

/** The most alerts one request acknowledges: a page's "select all" of a bad day, not a whole history. */
export const BULK_ACK_MAX = 500;

/** Alert ids as the single acknowledge takes them (alert-input.ts alertIdOf): printable, at most 200 characters. */
const AlertIdSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !/\p{Cc}/u.test(s), 'an alert id: printable, at most 200 characters');

/** 500 ids of 200 characters and a note of 1,000 (UTF-8, quoted) fit. */
const BODY_LIMIT = 128 * 1024;

export const BulkAckSchema = AckSchema.extend({ ids: z.array(AlertIdSchema).min(1).max(BULK_ACK_MAX) });

/** Whether a scope covers an alert's station, the first part of its id (core/alert.ts). */
const sees = (scope: StationScope, id: string): boolean => scope.all || scope.has(id.split('|')[0]!);

/**
 * `POST /api/alerts/acknowledge` `{ ids, note? }` (operator): acknowledges each open alert with
 * the one note, as the single acknowledge does one by one (same scope rule, same audit line per
 * alert), and answers which were acknowledged and which not. An id out of the user's scope is
 * "not acknowledged" exactly like one that does not exist (its refusal audited); one request
 * takes at most 500 ids (else 400), duplicates counted once.
 */
export async function acknowledgeMany(
  engineOf: () => AlertsApi,
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ApiContext,
): Promise<void> {
  methodIs(req, 'POST');
  requireRole(ctx, 'operator');
  const { ids, note } = await parseBody(req, BulkAckSchema, BODY_LIMIT);
  const engine = engineOf();
  const user = ctx.principal.user.name;
  const scope = ctx.principal.scope;
  const openIds = scope.all ? undefined : new Set(engine.open().map((a) => a.id));
  const acknowledged: Alert[] = [];
  const notAcknowledged: string[] = [];
  for (const id of new Set(ids)) {
    if (!sees(scope, id)) {
      if (openIds?.has(id)) refusedByScope(ctx, id);
      notAcknowledged.push(id);
      continue;
    }
    const alert = await engine.acknowledge(id, user, note || undefined);
    if (!alert) {
      notAcknowledged.push(id);
      continue;
    }
    acknowledged.push(alert);
    ctx.audit({ action: 'alert_ack', target: id, outcome: 'ok', detail: { station: alert.station, bulk: true } });
  }
  log.info({ acknowledged: acknowledged.length, notAcknowledged: notAcknowledged.length, user }, 'alerts acknowledged together');
  sendJson(res, 200, { acknowledged, notAcknowledged });
}
