import { Subject } from 'rxjs';
import {
  createLogger,
  parseCatalogue,
  type AlertEvent,
  type Catalogue,
  type Logger,
  type Presence,
  type Reading,
  type Status,
  type StorageCondition,
} from '../../core/index.js';
import {
  createAlerts,
  createRules,
  DeliveryError,
  parseNotifyConfig,
  RulesFileSchema,
  type Alerts,
  type QueryFn,
  type WebhookRequest,
} from '../../alerts/index.js';
import { createVirtualTime, type VirtualTime } from './virtual-time.js';

export const STATION = 'BN-TEST-F001-NT1';
export const STATION_B = 'HP-TEST-F002-NT1';
export const ZONE = 'YENPHONG';
export const ZONE_B = 'DINHVU';

/** Two wastewater stations: COD limit 75 (column A) and pH 6 to 9 at the first, COD 150 (column B) at the second. */
export function alertsTestCatalogue(): Catalogue {
  const limit = (parameter: string, base: number, extra: object = {}): object => ({
    parameter,
    regulation: 'QCVN 40:2011/BTNMT',
    column: 'A',
    base,
    coefficients: {},
    effectiveFrom: '2011-12-15',
    ...extra,
  });
  return parseCatalogue({
    version: 1,
    parameters: [
      { symbol: 'Flow', name: 'Flow rate', nameVi: 'Lưu lượng', units: ['m3/h'] },
      { symbol: 'pH', name: 'pH', nameVi: 'Độ pH', units: ['pH'] },
      { symbol: 'COD', name: 'Chemical oxygen demand', nameVi: 'Nhu cầu oxy hóa học', units: ['mg/L'] },
      { symbol: 'TSS', name: 'Total suspended solids', nameVi: 'Tổng chất rắn lơ lửng', units: ['mg/L'] },
    ],
    zones: [
      { id: ZONE, name: 'Yen Phong', province: 'Bac Ninh', lat: 21.2, lon: 106 },
      { id: ZONE_B, name: 'Dinh Vu', province: 'Hai Phong', lat: 20.84, lon: 106.77 },
    ],
    facilities: [
      { id: 'F001', zoneId: ZONE, name: 'Test facility one', sector: 'electronics' },
      { id: 'F002', zoneId: ZONE_B, name: 'Test facility two', sector: 'chemicals' },
    ],
    stations: [
      {
        id: STATION,
        facilityId: 'F001',
        name: 'Outfall 1',
        kind: 'wastewater',
        lat: 21.2,
        lon: 106,
        intervalS: 60,
        parameters: [
          { parameter: 'Flow', unit: 'm3/h', rangeMin: 0, rangeMax: 500 },
          { parameter: 'pH', unit: 'pH', rangeMin: 0, rangeMax: 14 },
          { parameter: 'COD', unit: 'mg/L', rangeMin: 0, rangeMax: 500 },
          { parameter: 'TSS', unit: 'mg/L', rangeMin: 0, rangeMax: 500 },
        ],
        limits: [limit('COD', 75), limit('pH', 9, { lower: 6 }), limit('TSS', 50)],
      },
      {
        id: STATION_B,
        facilityId: 'F002',
        name: 'Outfall 2',
        kind: 'wastewater',
        lat: 20.84,
        lon: 106.77,
        intervalS: 60,
        parameters: [{ parameter: 'COD', unit: 'mg/L', rangeMin: 0, rangeMax: 500 }],
        limits: [limit('COD', 150, { column: 'B' })],
      },
    ],
  });
}

export interface AlertsFixture {
  vt: VirtualTime;
  catalogue: Catalogue;
  alerts: Alerts;
  events: AlertEvent[];
  lines: string[];
  published: Array<{ topic: string; payload: string }>;
  emails: Array<{ to: string[]; subject: string; text: string }>;
  posts: WebhookRequest[];
  presence$: Subject<Presence>;
  storage$: Subject<StorageCondition>;
  /** A reading measured now (virtual time), or at `atMs` after moving the clock there; `ts` for late data. */
  reading(parameter: string, value: number, opts?: { station?: string; status?: Status; atMs?: number; ts?: number }): void;
  /** Readings every `stepMs` from now for `count` steps, value from `f(i)`. */
  series(parameter: string, count: number, stepMs: number, f: (i: number) => number, opts?: { station?: string; status?: Status }): void;
  ofType(type: AlertEvent['type'], rule?: string): AlertEvent[];
  close(): Promise<void>;
}

export interface AlertsFixtureOptions {
  rules?: unknown;
  notify?: unknown;
  tickMs?: number;
  startMs?: number;
  query?: QueryFn;
  /** Answers of the fake webhook receiver, in order (then 200). */
  webhookStatuses?: number[];
  dataDir?: string;
  webhookSecret?: string;
  /** The alerts part's logger (silent unless given, e.g. captureLog().log). */
  log?: Logger;
  /** Cluster mode: only adopted stations are evaluated. */
  gated?: boolean;
}

/** The alerts part in virtual time with fake sinks: nothing leaves the process. */
export async function createAlertsFixture(options: AlertsFixtureOptions = {}): Promise<AlertsFixture> {
  const vt = createVirtualTime(options.startMs);
  const catalogue = alertsTestCatalogue();
  const readings$ = new Subject<Reading>();
  const presence$ = new Subject<Presence>();
  const storage$ = new Subject<StorageCondition>();
  const lines: string[] = [];
  const published: AlertsFixture['published'] = [];
  const emails: AlertsFixture['emails'] = [];
  const posts: WebhookRequest[] = [];
  const statuses = [...(options.webhookStatuses ?? [])];
  const rules = createRules(RulesFileSchema.parse(options.rules ?? { version: 1 }), catalogue);
  const alerts = await createAlerts({
    catalogue,
    readings$,
    presence$,
    storage$,
    rules,
    notify: parseNotifyConfig(options.notify ?? { version: 1 }, catalogue),
    append: async (l) => {
      lines.push(...l);
    },
    publish: async (topic, payload) => {
      published.push({ topic, payload });
    },
    query: options.query,
    gated: options.gated,
    dataDir: options.dataDir,
    webhookSecret: options.webhookSecret,
    log: options.log ?? createLogger({ level: 'silent' }),
    scheduler: vt.scheduler,
    tickMs: options.tickMs ?? 5_000,
    emailSender: {
      send: async (to, subject, text) => {
        emails.push({ to, subject, text });
      },
      close: () => undefined,
    },
    post: async (req) => {
      posts.push(req);
      const status = statuses.shift() ?? 200;
      if (status >= 300) throw new DeliveryError(`webhook answered ${status}`, status >= 500);
    },
  });
  const events: AlertEvent[] = [];
  const sub = alerts.events$.subscribe((e) => events.push(e));
  const zoneOf = (station: string): string => catalogue.zoneOf(station)!.id;
  const unitOf = (station: string, parameter: string): string => catalogue.stationParameter(station, parameter)?.unit ?? 'mg/L';

  const reading: AlertsFixture['reading'] = (parameter, value, opts = {}) => {
    if (opts.atMs !== undefined) vt.advanceTo(opts.atMs);
    const station = opts.station ?? STATION;
    const ts = opts.ts ?? vt.now();
    readings$.next({
      station,
      zone: zoneOf(station),
      parameter,
      value,
      unit: unitOf(station, parameter),
      status: opts.status ?? '00',
      ts,
      receivedAt: vt.now(),
    });
  };

  return {
    vt,
    catalogue,
    alerts,
    events,
    lines,
    published,
    emails,
    posts,
    presence$,
    storage$,
    reading,
    series(parameter, count, stepMs, f, opts = {}) {
      for (let i = 0; i < count; i++) {
        if (i > 0) vt.advanceBy(stepMs);
        reading(parameter, f(i), opts);
      }
    },
    ofType: (type, rule) => events.filter((e) => e.type === type && (rule === undefined || e.alert.rule === rule)),
    async close() {
      sub.unsubscribe();
      await alerts.close();
    },
  };
}
