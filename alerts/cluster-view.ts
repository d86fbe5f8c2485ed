import { merge, Subject, type Observable, type Subscription } from 'rxjs';
import {
  QuantracError,
  type Alert,
  type AlertAction,
  type AlertEvent,
  type AlertsClusterPort,
  type Logger,
  type Silence,
  type StationsChange,
} from '../core/index.js';
import type { Clock } from '../platform/index.js';
import type { AlertsService } from './alerts.js';
import { selectAlerts } from './select-alerts.js';
import type { SilenceInput } from './silences.js';

/** The alerts part on this node, in its worker or on this thread, as the cluster view drives it. */
export interface ClusterTarget {
  service: AlertsService;
  acknowledge(id: string, by: string, note?: string): Promise<Alert | undefined>;
  silence(input: SilenceInput): Promise<Silence>;
  /** Starts evaluating these stations, their open alerts and silences put back first, quietly. */
  adopt(stations: string[], alerts: Alert[], silences: Silence[]): Promise<void>;
  /** Stops evaluating these stations (after the readings already taken) and forgets their state. */
  drop(stations: string[]): Promise<void>;
}

const stationOf = (alertId: string): string => alertId.slice(0, Math.max(0, alertId.indexOf('|')));

/**
 * The alerts part of one node of a cluster (docs/ARCHITECTURE.md, "Cluster mode": alert rules
 * ownership). The rules run for the stations whose shard this node holds: on gaining one, its
 * open alerts are loaded from Redis and put back without notifying; on losing one, its state is
 * dropped here. Every change of an owned station's alert is written to Redis and published, so
 * every node's `events$` has its own events and the others' (each once) and `open()` shows the
 * whole cluster; acknowledge and silence go to the owner of the station's shard.
 */
export async function attachCluster(target: ClusterTarget, port: AlertsClusterPort, log: Logger, clock: Clock): Promise<AlertsService> {
  const base = target.service;
  const active = new Set<string>();
  const remote = new Map<string, Alert>();
  const remoteSilences = new Map<string, Silence>();
  const remoteEvents$ = new Subject<AlertEvent>();
  for (const a of await port.loadOpen()) remote.set(a.id, a);
  for (const s of await port.loadSilences()) remoteSilences.set(s.id, s);

  const apply = async (c: StationsChange): Promise<void> => {
    if (c.lost.length > 0) {
      for (const s of c.lost) active.delete(s);
      // Their last state is what this node wrote; their new owner goes on from it.
      for (const a of base.open()) if (c.lost.includes(a.station) && a.state !== 'pending') remote.set(a.id, a);
      await target.drop(c.lost);
    }
    if (c.gained.length > 0) {
      const [alerts, silences] = await Promise.all([port.loadOpen(c.gained), port.loadSilences(c.gained)]);
      await target.adopt(c.gained, alerts, silences);
      for (const s of c.gained) active.add(s);
      for (const a of alerts) remote.delete(a.id);
      log.info({ stations: c.gained.length, alerts: alerts.length }, 'stations adopted: their alert rules run on this node');
    }
  };
  // One change at a time, in order; a drain waits for every change emitted before it.
  let settled: Promise<void> = Promise.resolve();
  const subs: Subscription[] = [
    port.changes$.subscribe((c) => {
      settled = settled.then(() => apply(c)).catch((err: Error) => log.error({ err }, 'could not take over or give up stations'));
    }),
    base.events$.subscribe((e) => {
      if (active.has(e.alert.station)) port.saveAlert(e.alert);
      port.publish({ event: e });
    }),
    port.news$.subscribe((n) => {
      if ('silence' in n) return void remoteSilences.set(n.silence.id, n.silence);
      const a = n.event.alert;
      if (a.state === 'resolved') remote.delete(a.id);
      else remote.set(a.id, a);
      remoteEvents$.next(n.event);
    }),
  ];
  port.setDrain(async () => {
    await settled;
    await port.writesDone();
  });

  const silenceHere = async (input: SilenceInput): Promise<Silence> => {
    const s = await target.silence(input);
    port.saveSilence(s);
    port.publish({ silence: s });
    return s;
  };
  const act = async (action: AlertAction): Promise<unknown> => {
    const station = action.kind === 'acknowledge' ? stationOf(action.id) : action.input.station;
    if (!active.has(station)) throw new QuantracError('ERR_NOT_OWNER', `this node does not hold ${station}`, { retryable: true });
    return action.kind === 'acknowledge' ? target.acknowledge(action.id, action.by, action.note) : silenceHere(action.input);
  };
  port.serve(act);

  const remoteOpen = (): Alert[] => [...remote.values()].filter((a) => !active.has(a.station));
  const events$: Observable<AlertEvent> = merge(base.events$, remoteEvents$);
  return {
    events$,
    get restored() {
      return base.restored;
    },
    adoptStation: (station) => base.adoptStation(station),
    open: (filter) => selectAlerts([...base.open(), ...remoteOpen()], filter),
    history: (filter) => base.history(filter),
    silences: () => mergeSilences(remoteSilences.values(), base.silences(), clock.now()),
    acknowledge: (id, by, note) =>
      active.has(stationOf(id))
        ? target.acknowledge(id, by, note)
        : (port.route(stationOf(id), { kind: 'acknowledge', id, by, note }) as Promise<Alert | undefined>),
    silence: (input) =>
      active.has(input.station) ? silenceHere(input) : (port.route(input.station, { kind: 'silence', input }) as Promise<Silence>),
    flush: () => base.flush(),
    async close() {
      for (const s of subs.splice(0)) s.unsubscribe();
      await base.close();
      remoteEvents$.complete();
    },
  };
}

/** The cluster's maintenance windows in force: the other owners' and this node's, soonest ending first. */
function mergeSilences(remote: Iterable<Silence>, local: Silence[], now: number): Silence[] {
  const all = new Map<string, Silence>();
  for (const s of remote) if (s.until > now) all.set(s.id, s);
  for (const s of local) all.set(s.id, s);
  return [...all.values()].sort((a, b) => a.until - b.until);
}
