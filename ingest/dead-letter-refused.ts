import { parseTopic, QuantracError, type AdmitMessage, type Rejection } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { IngestMetrics } from './ingest-metrics.js';

export interface RefusedParts {
  deadLetters: Pick<DeadLetterStore, 'appendMessage'>;
  metrics: Pick<IngestMetrics, 'deadLetter'>;
  clock: Clock;
}

/** The station a topic names: `stations/{id}/...` or `alerts/{zone}/{id}`; empty when none (the topic is kept anyway). */
function topicStation(topic: string): string {
  const parsed = parseTopic(topic);
  if (parsed) return parsed.stationId;
  const parts = topic.split('/');
  return parts.length === 3 && parts[0] === 'alerts' ? parts[2]!.slice(0, 64) : '';
}

/**
 * Keeps a message another part refused (the national centre's receiver of forwarded alert
 * events) in the dead-letter store with its reasons, as admit does for readings
 * (docs/PROTOCOL.md, "Acceptance and rejection"); resolves when the store has it, as there. The reasons are
 * copied as plain strings (user-supplied text is data); none at all, or no payload, is the
 * caller's error (ERR_DEAD_LETTER_INPUT) and stores nothing.
 */
export async function keepRefused(
  p: RefusedParts,
  message: AdmitMessage,
  errors: Array<{ path: string; code: string; message: string }>,
): Promise<void> {
  if (!message || typeof message.topic !== 'string' || !Buffer.isBuffer(message.payload)) {
    throw new QuantracError('ERR_DEAD_LETTER_INPUT', 'a dead letter needs a topic and a payload (Buffer)');
  }
  if (!Array.isArray(errors) || errors.length === 0) {
    throw new QuantracError('ERR_DEAD_LETTER_INPUT', 'a dead letter needs at least one reason');
  }
  const reasons: Rejection[] = errors.map((e) => ({
    path: String(e?.path ?? ''),
    code: String(e?.code ?? ''),
    message: String(e?.message ?? ''),
  }));
  const { topic, clientId, payload } = message;
  await p.deadLetters.appendMessage({
    topic,
    station: topicStation(topic),
    ...(clientId === undefined ? {} : { clientId }),
    payload,
    accepted: 0,
    rejected: 1,
    errors: reasons,
    receivedAt: p.clock.now(),
  });
  p.metrics.deadLetter('message');
}
