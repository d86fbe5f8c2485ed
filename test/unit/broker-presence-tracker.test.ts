import { describe, expect, it } from 'vitest';
import type { Presence } from '../../core/index.js';
import { createPresenceTracker } from '../../broker/presence-tracker.js';

function setup(): { tracker: ReturnType<typeof createPresenceTracker>; events: Presence[]; clock: { t: number } } {
  const clock = { t: 1000 };
  const tracker = createPresenceTracker({ clock: { now: () => clock.t } });
  const events: Presence[] = [];
  tracker.presence$.subscribe((p) => events.push(p));
  return { tracker, events, clock };
}

describe('presence tracker', () => {
  it('goes online on connect and offline with reason "disconnect" on socket loss, for every station of the gateway', () => {
    const { tracker, events, clock } = setup();
    const conn = {};
    tracker.attach(conn, ['A', 'B']);
    expect(events).toEqual([]);
    tracker.ready(conn);
    clock.t = 5000;
    tracker.detach(conn);
    expect(events).toEqual([
      { station: 'A', state: 'online', ts: 1000, reason: 'connect' },
      { station: 'B', state: 'online', ts: 1000, reason: 'connect' },
      { station: 'A', state: 'offline', ts: 5000, reason: 'disconnect' },
      { station: 'B', state: 'offline', ts: 5000, reason: 'disconnect' },
    ]);
    expect(tracker.current('A')?.state).toBe('offline');
    expect(tracker.snapshot()).toHaveLength(2);
  });

  it('emits changes only: a status "online" after connect and a will after the disconnect add nothing', () => {
    const { tracker, events } = setup();
    const conn = {};
    tracker.attach(conn, ['A']);
    tracker.ready(conn);
    tracker.status({ station: 'A', state: 'online', ts: 1, reason: 'status' }, conn);
    tracker.status({ station: 'A', state: 'offline', ts: 2, reason: 'will' }, conn);
    tracker.detach(conn);
    expect(events.map((e) => `${e.state}:${e.reason ?? ''}`)).toEqual(['online:connect', 'offline:will']);
  });

  it('keeps a station online while a newer connection serves it (reconnect before the old socket died)', () => {
    const { tracker, events } = setup();
    const old = {};
    const fresh = {};
    tracker.attach(old, ['A']);
    tracker.ready(old);
    tracker.attach(fresh, ['A']);
    tracker.status({ station: 'A', state: 'offline', ts: 2, reason: 'will' }, old);
    tracker.detach(old);
    tracker.ready(fresh);
    expect(events.map((e) => e.state)).toEqual(['online']);
    tracker.detach(fresh);
    expect(events.map((e) => e.state)).toEqual(['online', 'offline']);
  });

  it('takes an explicit offline status while still connected', () => {
    const { tracker, events } = setup();
    const conn = {};
    tracker.attach(conn, ['A']);
    tracker.ready(conn);
    tracker.status({ station: 'A', state: 'offline', ts: 9, reason: 'status' }, conn);
    tracker.detach(conn);
    expect(events.map((e) => `${e.state}:${e.reason ?? ''}`)).toEqual(['online:connect', 'offline:status']);
  });

  it('does nothing for a connection that never attached, or detaches twice', () => {
    const { tracker, events } = setup();
    tracker.detach({});
    const conn = {};
    tracker.attach(conn, ['A']);
    tracker.detach(conn);
    tracker.detach(conn);
    expect(events).toEqual([]);
  });
});
