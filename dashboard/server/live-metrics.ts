import { Counter, Gauge, type Registry } from 'prom-client';
import type { LiveHub, LiveHubStats } from './live-hub.js';

/**
 * The live hub's figures on `/metrics`, read from `hub.stats()` when scraped: sockets by view,
 * and the hub's counters (what it sent, what it dropped for slow clients, whom it cut off).
 */
export function registerLiveMetrics(registry: Registry, hub: LiveHub): void {
  new Gauge({
    name: 'quantrac_live_clients',
    help: 'Dashboard live sockets open now, by view: overview (every station) or focus (a station page)',
    labelNames: ['view'],
    registers: [registry],
    collect() {
      const s = hub.stats();
      this.set({ view: 'overview' }, s.clients - s.focused);
      this.set({ view: 'focus' }, s.focused);
    },
  });
  new Gauge({
    name: 'quantrac_live_scopes',
    help: 'Scopes (access by level) with a live socket open now: each adds one encoding per overview frame',
    registers: [registry],
    collect() {
      this.set(hub.stats().scopes);
    },
  });
  const counter = (name: string, help: string, of: (s: LiveHubStats) => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(of(hub.stats()));
      },
    });
  };
  counter('quantrac_live_frames_total', 'Delta frames and snapshots sent to dashboard live sockets', (s) => s.deltaFrames + s.snapshots);
  counter('quantrac_live_sent_bytes_total', 'Bytes sent to dashboard live sockets', (s) => s.bytesSent);
  counter(
    'quantrac_live_dropped_frames_total',
    'Frames not sent to a backed-up live socket (it gets a snapshot once it drains)',
    (s) => s.droppedFrames,
  );
  counter('quantrac_live_cut_off_total', 'Live sockets cut off: backed up past the hard bound, or stuck too long', (s) => s.cutOff);
  counter(
    'quantrac_live_scoped_frames_total',
    'Overview frames encoded for a scope (one per scope with something in the frame, shared by its sockets)',
    (s) => s.scopedFrames,
  );
  counter('quantrac_live_bad_messages_total', 'Messages from live sockets that were not a valid focus (ignored)', (s) => s.badMessages);
}
