import { createHmac } from 'node:crypto';
import { DeliveryError } from './delivery.js';

export const SIGNATURE_HEADER = 'X-Quantrac-Signature';

/** `sha256=<hex HMAC-SHA256 of the body>`, as the receiver recomputes it with the shared secret. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface WebhookRequest {
  url: string;
  body: string;
  secret?: string;
  timeoutMs: number;
  /** Same on every retry, so a receiver can drop a duplicate. */
  deliveryId: string;
  eventType: string;
}

/** One JSON POST; 5xx, 408, 429 and network failures are worth retrying, other answers are not. */
export async function postWebhook(req: WebhookRequest): Promise<void> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'quantrac-alerts',
    'x-quantrac-event': req.eventType,
    'x-quantrac-delivery': req.deliveryId,
  };
  if (req.secret !== undefined) headers[SIGNATURE_HEADER.toLowerCase()] = signBody(req.body, req.secret);
  let res: Response;
  try {
    res = await fetch(req.url, { method: 'POST', headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(req.timeoutMs) });
  } catch (err) {
    throw new DeliveryError(`webhook unreachable: ${(err as Error).message}`, true);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return;
  const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
  throw new DeliveryError(`webhook answered ${res.status}`, retryable);
}
