import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createLogger,
  loadCatalogue,
  packagePath,
  type Alert,
  type AlertsApi,
  type AuditEntry,
  type Presence,
  type Reading,
} from '../../core/index.js';
import { createDashboard, type Dashboard } from '../../dashboard/index.js';
import { sessionFor, type DashboardSession } from '../helpers/dashboard-session.js';

/**
 * `POST /api/alerts/acknowledge` over loopback HTTP: the role, the scope per id, the bound, the
 * audit line per alert and the one note on each. The alerts engine is a stand-in that keeps its
 * open alerts and acknowledges them as the real one does (only open ones).
 */
const BN = 'BN-YENPHONG-F001-NT1';
const BN2 = 'BN-YENPHONG-F002-NT1';
const HN = 'HN-QUANGMINH-F005-NT1';
const alertOf = (station: string, zone: string, rule: string): Alert =>
  ({
    id: `${station}|COD|${rule}`,
    station,
    zone,
    parameter: 'COD',
    rule,
    severity: 'critical',
    state: 'firing',
    message: 'COD above the limit',
    since: 1,
    updatedAt: 1,
  }) as Alert;

function engine(): AlertsApi & { reset(): void; notes: Map<string, string | undefined> } {
  let open: Alert[] = [];
  const notes = new Map<string, string | undefined>();
  const reset = (): void => {
    open = [
      alertOf(BN, 'YENPHONG', 'threshold'),
      alertOf(BN, 'YENPHONG', 'average'),
      alertOf(BN2, 'YENPHONG', 'threshold'),
      alertOf(HN, 'QUANGMINH', 'threshold'),
    ];
    notes.clear();
  };
  reset();
  return {
    reset,
    notes,
    open: () => open,
    history: async () => [],
    // The worker-thread engine answers with a promise: take that path.
    async acknowledge(id, by, note) {
      const a = open.find((x) => x.id === id);
      if (!a) return undefined;
      notes.set(id, note);
      Object.assign(a, { state: 'acknowledged', acknowledgedBy: by, ...(note ? { note } : {}) });
      return { ...a };
    },
    silence: (input) => ({ id: 's', from: 0, ...input }),
    silences: () => [],
  };
}

describe('POST /api/alerts/acknowledge: many alerts, one note, one request', () => {
  let dir: string;
  let dashboard: Dashboard;
  const alerts = engine();
  const audit: AuditEntry[] = [];
  let country: DashboardSession;
  let province: DashboardSession;
  let viewer: DashboardSession;

  const post = async (s: DashboardSession, json: unknown) => {
    const res = await s.fetch('/api/alerts/acknowledge', { json });
    return { status: res.status, body: (await res.json()) as { acknowledged?: Alert[]; notAcknowledged?: string[]; code?: string } };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-bulk-'));
    const catalogue = await loadCatalogue(packagePath('seeds', 'catalogue.json'));
    dashboard = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue,
      readings$: new Subject<Reading>(),
      presence$: new Subject<Presence>(),
      staticDir: join(dir, 'web'),
      usersFile: join(dir, 'users.json'),
      passwordCost: 1024,
      query: async () => [],
      alerts,
      audit: { record: (e: AuditEntry) => void audit.push(e) },
      log: createLogger({ level: 'silent' }),
    });
    const user = async (name: string, role: 'viewer' | 'operator', scope: string[]): Promise<DashboardSession> =>
      sessionFor(dashboard.url, name, (await dashboard.users.add(name, role, undefined, scope)).password);
    [country, province, viewer] = await Promise.all([
      user('truc.ban', 'operator', ['country']),
      user('bac.ninh', 'operator', ['province:Bắc Ninh']),
      user('thanh.tra', 'viewer', ['country']),
    ]);
  });
  beforeEach(() => {
    alerts.reset();
    audit.length = 0;
  });
  afterAll(async () => {
    await dashboard?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('acknowledges each with the one note, audits one line per alert, and says which were not', async () => {
    const ids = [`${BN}|COD|threshold`, `${HN}|COD|threshold`, 'NOPE|COD|threshold', `${BN}|COD|threshold`];
    const { status, body } = await post(country, { ids, note: ' Đã gọi cơ sở ' });
    expect(status).toBe(200);
    expect(body.acknowledged!.map((a) => a.id)).toEqual([`${BN}|COD|threshold`, `${HN}|COD|threshold`]);
    expect(
      body.acknowledged!.every((a) => a.state === 'acknowledged' && a.acknowledgedBy === 'truc.ban' && a.note === 'Đã gọi cơ sở'),
    ).toBe(true);
    expect(body.notAcknowledged).toEqual(['NOPE|COD|threshold']);
    expect([...alerts.notes.values()]).toEqual(['Đã gọi cơ sở', 'Đã gọi cơ sở']);
    const acks = audit.filter((e) => e.action === 'alert_ack');
    expect(acks.map((e) => [e.user, e.target, e.outcome, e.detail?.['bulk']])).toEqual([
      ['truc.ban', `${BN}|COD|threshold`, 'ok', true],
      ['truc.ban', `${HN}|COD|threshold`, 'ok', true],
    ]);
  });

  it('treats an alert out of the user’s scope as one that does not exist, and audits the refusal', async () => {
    const hidden = `${HN}|COD|threshold`;
    const { status, body } = await post(province, { ids: [`${BN}|COD|average`, `${BN2}|COD|threshold`, hidden] });
    expect(status).toBe(200);
    expect(body.acknowledged!.map((a) => a.id)).toEqual([`${BN}|COD|average`, `${BN2}|COD|threshold`]);
    expect(body.notAcknowledged).toEqual([hidden]);
    expect(alerts.open().find((a) => a.id === hidden)?.state).toBe('firing');
    expect(audit.filter((e) => e.action === 'scope_refused').map((e) => e.target)).toEqual([hidden]);
    expect(alerts.notes.get(`${BN}|COD|average`)).toBeUndefined();
  });

  it('refuses a viewer (403) and acknowledges nothing', async () => {
    const { status } = await post(viewer, { ids: [`${BN}|COD|threshold`] });
    expect(status).toBe(403);
    expect(alerts.open().every((a) => a.state === 'firing')).toBe(true);
    expect(audit.some((e) => e.action === 'alert_ack')).toBe(false);
  });

  it('takes 1 to 500 printable ids (else 400), a body of 500 long ids fits', async () => {
    expect((await post(country, { ids: [] })).status).toBe(400);
    expect((await post(country, {})).status).toBe(400);
    expect((await post(country, { ids: ['x\u0000y'] })).status).toBe(400);
    expect((await post(country, { ids: ['x'.repeat(201)] })).status).toBe(400);
    expect((await post(country, { ids: [`${BN}|COD|threshold`], note: 'a\u0007' })).status).toBe(400);
    const tooMany = Array.from({ length: 501 }, (_, i) => `${BN}|P${i}|threshold`);
    expect((await post(country, { ids: tooMany })).status).toBe(400);
    expect(alerts.open().every((a) => a.state === 'firing')).toBe(true);
    const max = Array.from({ length: 500 }, (_, i) => `${BN}|${'P'.repeat(150)}${i}|threshold`);
    const { status, body } = await post(country, { ids: max, note: 'ghi chú'.repeat(100) });
    expect(status).toBe(200);
    expect(body.notAcknowledged).toHaveLength(500);
  });

  it('is a POST only', async () => {
    expect((await country.fetch('/api/alerts/acknowledge')).status).toBe(405);
  });
});
