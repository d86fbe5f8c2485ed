import type { Redis } from 'ioredis';
import { Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { QuantracError, type AlertAction, type AlertNews, type Logger } from '../core/index.js';

/** A routed action, and its answer. */
type ActionMessage = { to: string; from: string; id: number; action: AlertAction };
type ReplyMessage = { to: string; id: number; value?: unknown; error?: string; code?: string };

export interface AlertChannels {
  publish(news: AlertNews): void;
  readonly news$: Observable<AlertNews>;
  /** Sends an action to `owner`; rejects (retryable) after `timeoutMs` without an answer. */
  send(owner: string, action: AlertAction): Promise<unknown>;
  serve(handler: (action: AlertAction) => Promise<unknown>): void;
  close(): Promise<void>;
}

/**
 * The alerts' pub/sub channels (docs/ARCHITECTURE.md, "Cluster mode"): `<prefix>alert-events`
 * carries each owner's alert events and silences to the other nodes (a node skips its own, so
 * every event reaches each node once); `<prefix>alert-actions` carries acknowledge and silence
 * to the station's owner, `<prefix>alert-replies` its answers. Pub/sub delivers to whoever is
 * subscribed now: an action lost to a failover times out and the user is told to try again (503).
 */
export async function createAlertChannels(p: {
  redis: Redis;
  prefix: string;
  nodeId: string;
  timeoutMs: number;
  scheduler: SchedulerLike;
  log: Logger;
}): Promise<AlertChannels> {
  const { redis, nodeId, log } = p;
  const events = `${p.prefix}alert-events`;
  const actions = `${p.prefix}alert-actions`;
  const replies = `${p.prefix}alert-replies`;
  // A connection in subscriber mode can do nothing else: one of its own.
  const sub = redis.duplicate();
  const news$ = new Subject<AlertNews>();
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: Subscription }>();
  let handler: ((action: AlertAction) => Promise<unknown>) | undefined;
  let nextId = 1;
  const send = (channel: string, m: object): void => {
    redis.publish(channel, JSON.stringify(m)).catch((err: Error) => log.warn({ err, channel }, 'could not publish on a cluster channel'));
  };

  const onAction = (m: ActionMessage): void => {
    if (m.to !== nodeId) return;
    const work = handler
      ? handler(m.action)
      : Promise.reject(new QuantracError('ERR_NOT_OWNER', 'alerts not started here', { retryable: true }));
    work.then(
      (value) => send(replies, { to: m.from, id: m.id, value: value ?? null }),
      (err: Error) =>
        send(replies, { to: m.from, id: m.id, error: err.message, code: err instanceof QuantracError ? err.code : 'ERR_ALERTS' }),
    );
  };
  const onReply = (m: ReplyMessage): void => {
    const w = m.to === nodeId ? pending.get(m.id) : undefined;
    if (!w) return;
    pending.delete(m.id);
    w.timer.unsubscribe();
    if (m.error === undefined) w.resolve(m.value === null ? undefined : m.value);
    else w.reject(new QuantracError(m.code ?? 'ERR_ALERTS', m.error));
  };
  sub.on('message', (channel: string, text: string) => {
    try {
      const m = JSON.parse(text) as { n?: string } & Record<string, unknown>;
      if (channel === events) {
        if (m.n !== nodeId) news$.next('silence' in m ? { silence: m.silence as never } : { event: m.event as never });
      } else if (channel === actions) onAction(m as unknown as ActionMessage);
      else if (channel === replies) onReply(m as unknown as ReplyMessage);
    } catch (err) {
      log.warn({ err, channel }, 'unreadable message on a cluster channel');
    }
  });
  await sub.subscribe(events, actions, replies);

  return {
    publish: (news) => send(events, { n: nodeId, ...news }),
    news$: news$.asObservable(),
    send: (owner, action) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = p.scheduler.schedule(() => {
          pending.delete(id);
          reject(
            new QuantracError('ERR_OWNER_TIMEOUT', `no answer from ${owner}, the node holding the station; try again`, { retryable: true }),
          );
        }, p.timeoutMs);
        pending.set(id, { resolve, reject, timer });
        send(actions, { to: owner, from: nodeId, id, action } satisfies ActionMessage);
      }),
    serve(h) {
      handler = h;
    },
    async close() {
      for (const w of pending.values()) {
        w.timer.unsubscribe();
        w.reject(new QuantracError('ERR_OWNER_TIMEOUT', 'closing', { retryable: true }));
      }
      pending.clear();
      news$.complete();
      sub.disconnect();
    },
  };
}
