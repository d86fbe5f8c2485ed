import type { Redis } from 'ioredis';
import { interval, type Observable, type Subscription } from 'rxjs';
import type { Logger, Presence } from '../core/index.js';
import { createRateLimitedLog, systemScheduler, unrefScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { createPresenceMirror } from './presence-mirror.js';
import { APPLY_PRESENCE, REAP_PRESENCE } from './presence-scripts.js';

export interface SharedPresenceOptions {
  /** A connection from cluster/redis-connection.ts (commands, not subscriber mode). */
  redis: Redis;
  /** The connection for the channel (subscriber mode); default `redis.duplicate()`, which close() ends. */
  subscriber?: Redis;
  /** REDIS_KEY_PREFIX (`qt:`). */
  keyPrefix: string;
  /** CLUSTER_NODE_ID. */
  nodeId: string;
  /** CLUSTER_LEASE_MS: a node whose heartbeat is this old is dead, and its stations offline. */
  leaseMs: number;
  /** This node's broker's presence changes (`broker.presence$`). */
  local$: Observable<Presence>;
  log: Logger;
  /** Runs the heartbeat and the dead-node check (default the system's, unref'd). */
  scheduler?: SchedulerLike;
  /** Stamps the stations of dead nodes (default `scheduler`). */
  clock?: Clock;
}

export interface SharedPresence {
  /** Every node's presence changes, in the order the shared hash took them. */
  readonly presence$: Observable<Presence>;
  current(station: string): Presence | undefined;
  snapshot(): Presence[];
  /** Marks this node's stations offline (its connections end with it), stops its heartbeat and leaves the channel. */
  close(): Promise<void>;
}

interface PresenceCommands {
  qtPresenceApply(hash: string, nodes: string, ...args: string[]): Promise<number>;
  qtPresenceReap(hash: string, nodes: string, ...args: string[]): Promise<number>;
}

/**
 * Presence shared by the nodes (docs/ARCHITECTURE.md, "Cluster mode"): a gateway is connected to
 * one node, whose broker reports its stations; this node's changes go through one script that
 * keeps the hash `<prefix>presence` and publishes what it applied on the channel of that name,
 * and every node emits what the channel says (its own changes included), so each dashboard and
 * the alerts see every station in the same order. A station goes offline when its gateway's
 * will fires (on whichever node aedes-persistence-redis fires it), when its node's heartbeat
 * lapses (a node lost without wills: any node marks its stations offline), and comes online
 * again when the gateway reconnects anywhere. A change this node could not write (Redis away) is
 * written again at the next heartbeat; a node whose heartbeat had lapsed writes its online
 * stations again.
 */
export async function createSharedPresence(options: SharedPresenceOptions): Promise<SharedPresence> {
  const { redis, nodeId, leaseMs, log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
  const note = createRateLimitedLog(log, 60_000, clock);
  const p = options.keyPrefix;
  const keys = { hash: `${p}presence`, nodes: `${p}presence:nodes`, owned: `${p}presence:owned:`, beat: `${p}presence:node:` };
  redis.defineCommand('qtPresenceApply', { numberOfKeys: 2, lua: APPLY_PRESENCE });
  redis.defineCommand('qtPresenceReap', { numberOfKeys: 2, lua: REAP_PRESENCE });
  const commands = redis as unknown as PresenceCommands;
  const mirror = createPresenceMirror();
  /** This node's latest change per station, and those not yet written. */
  const mine = new Map<string, Presence>();
  const unsynced = new Set<string>();

  const apply = (presence: Presence, again = false): void => {
    mine.set(presence.station, presence);
    unsynced.delete(presence.station);
    const entry = JSON.stringify({ ...presence, node: nodeId });
    const args = [
      presence.station,
      entry,
      presence.state,
      presence.reason ?? '',
      nodeId,
      keys.beat,
      keys.hash,
      keys.owned,
      again ? '1' : '',
    ];
    commands.qtPresenceApply(keys.hash, keys.nodes, ...args).catch((err: unknown) => {
      if (mine.get(presence.station) === presence) unsynced.add(presence.station);
      note('warn', 'presence-apply', { err }, 'presence change not shared yet; written again at the next heartbeat');
    });
  };
  const reap = (node: string): Promise<number> =>
    commands.qtPresenceReap(keys.hash, keys.nodes, keys.beat, keys.owned, keys.hash, String(clock.now()), node);
  const beat = async (): Promise<void> => {
    const before = await redis.call('SET', keys.beat + nodeId, '1', 'PX', String(leaseMs), 'GET');
    // Lapsed: other nodes may have marked this node's stations offline meanwhile.
    const lapsed = before === null;
    for (const [station, presence] of [...mine]) {
      if (lapsed && presence.state === 'online') apply(presence, true);
      else if (unsynced.has(station)) apply(presence);
    }
  };

  // Sent before this node's first change, in this order on one connection: a node starting
  // again under its id ends its earlier connections' stations, and lives before it claims any.
  const started = Promise.all([reap(nodeId), redis.call('SET', keys.beat + nodeId, '1', 'PX', String(leaseMs))]);
  const localSub = options.local$.subscribe({
    next: (presence) => apply(presence),
    error: (err: unknown) => log.error({ err }, 'broker presence failed'),
  });
  await started.catch((err: unknown) => {
    localSub.unsubscribe();
    throw err;
  });

  const subscriber = options.subscriber ?? redis.duplicate();
  const channelSub = await subscribeChannel(subscriber, keys.hash, mirror, () => redis.hgetall(keys.hash), log);
  const timers = startTimers(scheduler, leaseMs, { beat, reap: () => reap('').then(() => undefined) }, note);

  return {
    presence$: mirror.presence$,
    current: (station) => mirror.current(station),
    snapshot: () => mirror.snapshot(),
    async close() {
      localSub.unsubscribe();
      timers.unsubscribe();
      try {
        await reap(nodeId);
        await redis.del(keys.beat + nodeId);
      } catch (err) {
        log.warn({ err }, 'presence not cleared at close; other nodes clear it when the heartbeat lapses');
      }
      channelSub();
      if (!options.subscriber) subscriber.disconnect();
      mirror.complete();
    },
  };
}

/**
 * Follows the channel, then loads the hash (so no change falls between the two), and loads it
 * again whenever the subscriber reconnects, since messages published meanwhile are lost. Answers
 * the function that stops following.
 */
async function subscribeChannel(
  subscriber: Redis,
  channel: string,
  mirror: ReturnType<typeof createPresenceMirror>,
  hash: () => Promise<Record<string, string>>,
  log: Logger,
): Promise<() => void> {
  const onMessage = (ch: string, message: string): void => {
    if (ch === channel) mirror.take(message);
  };
  const reload = (): void => {
    hash().then(
      (entries) => mirror.load(entries),
      (err: unknown) => log.warn({ err }, 'presence not reloaded after a reconnect'),
    );
  };
  subscriber.on('message', onMessage);
  await subscriber.subscribe(channel);
  mirror.load(await hash());
  subscriber.on('ready', reload);
  return () => {
    subscriber.off('message', onMessage);
    subscriber.off('ready', reload);
    void subscriber.unsubscribe(channel).catch(() => undefined);
  };
}

/** The heartbeat (every third of the lease) and the dead-node check (every lease); a failure is logged and tried at the next tick. */
function startTimers(
  scheduler: SchedulerLike,
  leaseMs: number,
  work: { beat: () => Promise<void>; reap: () => Promise<void> },
  note: ReturnType<typeof createRateLimitedLog>,
): Subscription {
  const timers = unrefScheduler(scheduler);
  const run = (name: string, f: () => Promise<void>) => () =>
    void f().catch((err: unknown) => note('warn', `presence-${name}`, { err }, `presence ${name} failed; tried again at the next tick`));
  const subs = interval(Math.floor(leaseMs / 3), timers).subscribe(run('heartbeat', work.beat));
  subs.add(interval(leaseMs, timers).subscribe(run('check', work.reap)));
  return subs;
}
