import { interval, Subscription } from 'rxjs';
import type { AlertEvent, Presence, Reading, StorageCondition } from '../../core/index.js';
import { systemScheduler } from '../../platform/index.js';
import { unrefScheduler } from '../../platform/index.js';
import { ClientSet } from './live-clients.js';
import { createLiveEncoder, type LiveEncoder } from './live-encoder.js';
import { createLiveFailures, guarded, type LiveFailed } from './live-failures.js';
import { FocusStream } from './live-focus.js';
import { SharedStream } from './live-shared-stream.js';
import { LiveState } from './live-state.js';
import { emptyLiveStats, type LiveHub, type LiveHubOptions } from './live-types.js';

export type { LiveClientInfo, LiveFormat, LiveHub, LiveHubOptions, LiveHubStats } from './live-types.js';
export { parseClientMessage } from './live-client-message.js';

/**
 * The WebSocket hub (core/live.ts): a snapshot on connect, then deltas coalesced per tick,
 * encoded once per tick and shared by every client (live-shared-stream.ts), or a focus's own
 * small frames (live-focus.ts). A client with a scope (live-scope.ts) gets only its stations:
 * its snapshot, frames, alert events and presence; clients of one scope share one encoding per
 * frame. Alert events go out at once. Every queue is bounded: the
 * shared pending list collapses to the latest value per series past `maxPendingReadings`; a
 * client whose socket is backed up (`bufferedAmount`) is skipped and later resynced with a
 * snapshot; past `hardBufferedBytes` it is disconnected (live-clients.ts).
 *
 * Its time is `options.scheduler`: the frame tick is an RxJS `interval` on it, and its Node
 * timers are unref'd (unrefScheduler), so an open hub does not hold the process open; close()
 * stops the tick.
 */
export function createLiveHub(options: LiveHubOptions): LiveHub {
  const frameMs = options.frameMs ?? 250;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const scheduler = unrefScheduler(options.scheduler ?? systemScheduler);
  const encoder = createLiveEncoder(options.catalogue);
  const stats = emptyLiveStats();
  const failed = createLiveFailures(options.log, scheduler);
  const state = new LiveState(encoder, options.openAlerts, scheduler);
  const clients: ClientSet = new ClientSet({
    state,
    encoder,
    stats,
    clock: scheduler,
    maxBufferedBytes: options.maxBufferedBytes ?? 1 << 20,
    hardBufferedBytes: options.hardBufferedBytes ?? 8 << 20,
    stuckTimeoutMs: options.stuckTimeoutMs ?? 120_000,
    failed,
    log: options.log,
    onFocus: (c, stations) => focus.setFocus(c, stations),
    onDrop: (c) => focus.leave(c),
  });
  const focus = new FocusStream({ encoder, state, clients, stats, frameMs, scheduler, failed });
  const shared = new SharedStream({
    encoder,
    clients,
    stats,
    budgetBytesPerS: options.budgetBytesPerS ?? 280_000,
    maxPendingReadings: options.maxPendingReadings ?? 20_000,
    startedAt: scheduler.now(),
  });

  const subs = subscribeSources(options, { encoder, state, clients, focus, shared, failed, now: () => scheduler.now() });
  subs.add(
    interval(frameMs, scheduler).subscribe(() => {
      const t = scheduler.now();
      try {
        shared.tick(t, clients.size > focus.count);
        focus.tick(t);
        clients.heartbeat(t, heartbeatMs);
      } catch (err) {
        // Whatever made the frame fail is not kept for the next one: drop it and resync everyone.
        shared.pending.reset();
        clients.resyncAll();
        failed('frame tick', err);
      }
    }),
  );

  return {
    attach: (socket, info = { format: 'compact' }) => void clients.attach(socket, info),
    latest: () => state.latestReadings(),
    presence: () => [...state.presence.values()],
    storage: () => state.storage,
    closeSession: (sessionId) => clients.closeSession(sessionId),
    sessionIds: () => clients.sessionIds(),
    stats: () => ({ ...stats, clients: clients.size, focused: focus.count, scopes: clients.views.size }),
    close() {
      subs.unsubscribe();
      clients.closeAll();
      focus.close();
    },
  };
}

interface HubParts {
  encoder: LiveEncoder;
  state: LiveState;
  clients: ClientSet;
  focus: FocusStream;
  shared: SharedStream;
  failed: LiveFailed;
  now: () => number;
}

/** The hub's sources, each guarded (a throw is logged, never rethrown into the centre's streams). */
function subscribeSources(options: LiveHubOptions, parts: HubParts): Subscription {
  const { encoder, state, clients, focus, shared, failed, now } = parts;
  const subs = new Subscription();
  subs.add(
    options.readings$.subscribe(
      guarded(failed, 'reading', (r: Reading) => {
        // Series are numbered by the encoder's index (slots): no string keys on the hot path, and
        // readings are kept as columns of numbers (ReadingColumns), never as objects.
        const slot = encoder.slotOf(r.station, r.parameter);
        if (slot < 0) return; // not in the catalogue (ingest refuses those): nothing to show it against
        const si = state.addReading(slot, r);
        focus.onReading(si, slot);
        shared.pending.add(slot, r);
      }),
    ),
  );
  if (options.presence$) {
    const onPresence = (p: Presence): void => {
      state.setPresence(p);
      shared.pending.addPresence(p);
      focus.onPresence(p);
    };
    subs.add(options.presence$.subscribe(guarded(failed, 'presence', onPresence)));
  }
  if (options.storage$) {
    const onStorage = (s: StorageCondition): void => {
      state.setStorage(s);
      clients.broadcast({ type: 'storage', serverTime: now(), storage: s });
    };
    subs.add(options.storage$.subscribe(guarded(failed, 'storage condition', onStorage)));
  }
  if (options.alertEvents$) {
    const onAlert = (event: AlertEvent): void => {
      state.changed();
      clients.broadcast({ type: 'alert', serverTime: now(), event }, event.alert.station);
    };
    subs.add(options.alertEvents$.subscribe(guarded(failed, 'alert event', onAlert)));
  }
  return subs;
}
