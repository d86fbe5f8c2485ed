import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCredentialStore,
  mayPublish,
  maySubscribe,
  runGatewayCommand,
  type CredentialStore,
  type Identity,
} from '../../broker/index.js';
import { publishKind } from '../../broker/acl.js';
import { createPresenceTracker } from '../../broker/presence-tracker.js';
import { loadCatalogue, parseForwardedTopic, type Presence } from '../../core/index.js';

const relay: Identity = { account: 'BN-CENTRE', role: 'relay', stations: new Set(['ST-A01', 'ST-B02']) };
const gateway: Identity = { account: 'GW-1', role: 'gateway', stations: new Set(['ST-A01']) };

describe('broker ACL for a relay account (PROTOCOL.md, "Between centres")', () => {
  it("lets a relay publish its stations' readings, status and alerts, and its own centres/{account}/relay", () => {
    expect(publishKind(relay, 'stations/ST-A01/readings')).toBe('readings');
    expect(publishKind(relay, 'stations/ST-B02/status')).toBe('status');
    expect(publishKind(relay, 'stations/ST-A01/alerts')).toBe('alert');
    expect(publishKind(relay, 'centres/BN-CENTRE/relay')).toBe('relay-status');
    for (const topic of [
      'stations/ST-C03/alerts',
      'stations/ST-C03/readings',
      'centres/HN-CENTRE/relay',
      'centres/BN-CENTRE/relay/x',
      'stations/ST-A01/errors',
      'alerts/Z/ST-A01',
    ])
      expect(mayPublish(relay, topic), topic).toBe(false);
    expect(maySubscribe(relay, 'stations/ST-A01/errors')).toBe(true);
    expect(maySubscribe(relay, 'stations/ST-A01/alerts')).toBe(false);
  });

  it('refuses the new topics to a plain gateway and to a subscriber', () => {
    expect(mayPublish(gateway, 'stations/ST-A01/alerts')).toBe(false);
    expect(mayPublish(gateway, 'centres/GW-1/relay')).toBe(false);
    expect(mayPublish({ account: 'ops', role: 'subscriber' }, 'centres/ops/relay')).toBe(false);
  });

  it('parses only the two forwarded topics', () => {
    expect(parseForwardedTopic('stations/ST-A01/alerts')).toEqual({ kind: 'alert', stationId: 'ST-A01' });
    expect(parseForwardedTopic('centres/BN-CENTRE/relay')).toEqual({ kind: 'relay-status', account: 'BN-CENTRE' });
    expect(parseForwardedTopic('stations/st a/alerts')).toBeUndefined();
    expect(parseForwardedTopic('centres/+/relay')).toBeUndefined();
    expect(parseForwardedTopic('stations/ST-A01/readings')).toBeUndefined();
  });
});

describe('presence through a relay', () => {
  it("takes each station's state from the relay's status; a reconnect does not bring back a station the province reported offline", () => {
    const tracker = createPresenceTracker({ clock: { now: () => 1000 } });
    const events: Presence[] = [];
    tracker.presence$.subscribe((p) => events.push(p));
    const first = {};
    tracker.attach(first, ['A', 'B'], true);
    tracker.ready(first);
    tracker.status({ station: 'B', state: 'offline', ts: 900, reason: 'status' }, first);
    tracker.detach(first);
    expect(events.map((e) => `${e.station}:${e.state}:${e.reason}`)).toEqual([
      'A:online:connect',
      'B:online:connect',
      'B:offline:status',
      'A:offline:disconnect',
    ]);
    const second = {};
    tracker.attach(second, ['A', 'B'], true);
    tracker.ready(second);
    expect(tracker.current('A')?.state).toBe('online');
    expect(tracker.current('B')).toMatchObject({ state: 'offline', reason: 'status' });
    // A plain gateway's reconnect still brings its stations online, as before.
    const gw = {};
    tracker.attach(gw, ['B']);
    tracker.ready(gw);
    expect(tracker.current('B')?.state).toBe('online');
  });
});

describe('quantrac gateway add --role relay', () => {
  let dir: string;
  let store: CredentialStore;
  let out: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-relay-'));
    store = createCredentialStore({ file: join(dir, 'credentials.json'), cost: 1024 });
    out = '';
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (args: string[], flags: { role?: string; scope?: string[] }): Promise<number> =>
    runGatewayCommand(args, flags, {
      store,
      catalogue: () => loadCatalogue('seeds/catalogue.json'),
      out: (t) => {
        out += t;
      },
    });

  it('expands --scope to the stations of the catalogue in it, at add time, with named stations added', async () => {
    await run(['add', 'BN-CENTRE', 'HN-QUANGMINH-F005-NT1'], { role: 'relay', scope: ['province:Bắc Ninh'] });
    const [account] = await store.read();
    expect(account).toMatchObject({ id: 'BN-CENTRE', role: 'relay' });
    expect(account!.stations).toEqual(expect.arrayContaining(['HN-QUANGMINH-F005-NT1', 'BN-YENPHONG-F001-NT1', 'BN-YENPHONG-F004-KT1']));
    expect(account!.stations.every((s) => s.startsWith('BN-') || s === 'HN-QUANGMINH-F005-NT1')).toBe(true);
    // The 8 stations of Bắc Ninh (its zone, with its treatment plant) and the named one.
    expect(out).toMatch(/added relay BN-CENTRE .* for 9 stations/);
    out = '';
    await run(['add', 'DV-CENTRE'], { role: 'relay', scope: ['zone:DINHVU'] });
    expect((await store.read())[1]!.stations.every((s) => s.includes('DINHVU'))).toBe(true);
  });

  it('refuses an unknown or country scope, and a scope for a subscriber', async () => {
    await expect(run(['add', 'X-CENTRE'], { role: 'relay', scope: ['province:Atlantis'] })).rejects.toThrow(/not in the catalogue/);
    await expect(run(['add', 'X-CENTRE'], { role: 'relay', scope: ['country'] })).rejects.toThrow(/country/);
    await expect(run(['add', 'X-CENTRE'], { role: 'relay', scope: ['planet:x'] })).rejects.toThrow(/--scope/);
    await expect(run(['add', 'ops-x'], { role: 'subscriber', scope: ['zone:DINHVU'] })).rejects.toThrow(/no stations/);
    expect(await store.read()).toEqual([]);
  });
});
