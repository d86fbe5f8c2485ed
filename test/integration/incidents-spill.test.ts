import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { startSimulator, type ScenarioInput } from '../../simulators/index.js';
import { startTestCentre, testDatabase, type TestCentre } from '../helpers/centre.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * A spill through MQTT (docs/INCIDENTS.md): COD rises at the first outfall on Sông Cầu, then at
 * the next two downstream, then everything returns to normal. One incident opens, grows as the
 * downstream stations join, and closes after the values return; a real webhook receiver gets
 * exactly three messages (opened, escalated, closed) and none of the member alerts' own. The
 * centre is restarted in the middle (same data directory and database): nothing is told again.
 */
const STATIONS = ['BN-YENPHONG-F001-NT1', 'BN-YENPHONG-F002-NT1', 'BN-YENPHONG-F003-NT1'] as const;
const STEP_MS = 10_000;
/** Measurement time of the whole play, s: the spill, then 15 minutes of normal values. */
const PLAY_S = 2_400;
const RESTART_AT_S = 720;

/** The spill, in seconds from its start: warning-level at the first outfall, then over the limit, spreading downstream. */
const SPILL: ScenarioInput[] = [
  { name: 'exceedance', station: STATIONS[0], parameter: 'COD', atS: 0, forS: 300, level: 0.92 },
  { name: 'exceedance', station: STATIONS[0], parameter: 'COD', atS: 300, forS: 1_200, level: 1.4 },
  { name: 'exceedance', station: STATIONS[1], parameter: 'COD', atS: 480, forS: 1_020, level: 1.4 },
  { name: 'exceedance', station: STATIONS[2], parameter: 'COD', atS: 960, forS: 540, level: 1.4 },
];

describe('a spill down a river, through MQTT, as one incident', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('opens one incident, grows downstream, tells a webhook exactly three times, survives a restart quietly', async () => {
    const hooks: WebhookReceiver = await startWebhookReceiver();
    cleanups.push(() => hooks.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'quantrac-incidents-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await writeFile(
      join(dataDir, 'notify.json'),
      JSON.stringify({
        version: 1,
        webhooks: { oncall: { url: hooks.url, timeoutMs: 5_000 } },
        incidentRules: ['threshold', 'average', 'trend', 'rate'],
        routes: { north: { webhooks: ['oncall'], lang: 'vi' } },
        routing: [{ minSeverity: 'warning', route: 'north' }],
      }),
    );
    // The play is fast-forwarded from the past: the wall-clock rule (transmission interrupted) would
    // take that for silence, so it is off here. So is the trend rule: a forecast raised by the noise
    // of the recovery may stay open past the play's end, and with it the incident (as it should).
    // Incidents close without waiting.
    const rulesFile = join(dataDir, 'rules.json');
    await writeFile(rulesFile, JSON.stringify({ version: 1, defaults: { stale: { enabled: false }, trend: { enabled: false } } }));
    await writeFile(join(dataDir, 'incidents.json'), JSON.stringify({ version: 1, closeAfterMin: 0 }));
    const env = {
      DATA_DIR: dataDir,
      INFLUX_DB: testDatabase(),
      ALERTS_RULES_FILE: rulesFile,
      ALERTS_TICK_MS: '500',
      ALERTS_WEBHOOK_SECRET: 'a-webhook-secret-of-the-test',
    };
    const t0 = Date.now() - PLAY_S * 1000;
    const play = async (centre: TestCentre, fromS: number, toS: number): Promise<void> => {
      const sim = startSimulator({
        url: centre.mqttUrl,
        catalogue: centre.catalogue,
        stations: [...STATIONS],
        rate: 20,
        stepMs: STEP_MS,
        startAt: t0 + fromS * 1000,
        messages: (toS - fromS) / (STEP_MS / 1000),
        scenarios: SPILL.map((s) => ({ ...s, atS: s.atS! - fromS })).filter((s) => s.atS + (s.forS ?? 0) > 0),
        credentials: (s) => centre.credentials(s),
        record: false,
        seed: 7,
      });
      await sim.done;
      await sim.close();
    };
    const bodies = (): Array<{ type: string; incident: { id: string; members: Array<{ station: string }> } }> =>
      hooks.received.map((h) => JSON.parse(h.body) as { type: string; incident: { id: string; members: Array<{ station: string }> } });

    let centre = await startTestCentre(inject('influxUrl'), env);
    await play(centre, 0, RESTART_AT_S);
    await vi.waitFor(() => expect(bodies().map((b) => b.type)).toEqual(['incident.opened', 'incident.escalated']), { timeout: 30_000 });
    const id = bodies()[0]!.incident.id;
    expect(centre.incidents!.open().map((i) => i.id)).toEqual([id]);
    await centre.close();

    centre = await startTestCentre(inject('influxUrl'), env);
    cleanups.push(() => centre.close());
    expect(centre.incidents!.open().map((i) => [i.id, i.kind])).toEqual([[id, 'river_spread']]);
    await play(centre, RESTART_AT_S, PLAY_S);
    await vi.waitFor(() => expect(bodies().map((b) => b.type)).toEqual(['incident.opened', 'incident.escalated', 'incident.closed']), {
      timeout: 60_000,
    });
    const closed = bodies()[2]!.incident;
    expect(closed.id).toBe(id);
    expect([...new Set(closed.members.map((m) => m.station))]).toEqual([...STATIONS]);
    expect(centre.incidents!.open()).toEqual([]);
    // Nothing else came: no member alert's own message, no second opening after the restart.
    expect(hooks.received).toHaveLength(3);
    expect(hooks.received.every((h) => h.headers['x-quantrac-event']?.toString().startsWith('incident.'))).toBe(true);
  });
});
