import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { startTestCentre } from '../helpers/centre.js';
import { playSpill, SPILL_STATIONS, writeSpillData } from '../helpers/incidents-spill.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * A spill through MQTT (docs/INCIDENTS.md): COD rises at the first outfall on Sông Cầu, then at
 * the next two downstream, then everything returns to normal. One incident opens, grows as the
 * downstream stations join, and closes after the values return; a real webhook receiver gets
 * exactly three messages (opened, escalated, closed) and none of the member alerts' own. The
 * centre is restarted in the middle (same data directory and database): nothing is told again.
 */
/** Measurement time of the whole play, s: the spill, then 15 minutes of normal values. */
const PLAY_S = 2_400;
const RESTART_AT_S = 720;

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
    // Incidents close without waiting.
    const env = {
      ...(await writeSpillData(dataDir, {
        incidents: { version: 1, closeAfterMin: 0 },
        notify: {
          version: 1,
          webhooks: { oncall: { url: hooks.url, timeoutMs: 5_000 } },
          incidentRules: ['threshold', 'average', 'trend', 'rate'],
          routes: { north: { webhooks: ['oncall'], lang: 'vi' } },
          routing: [{ minSeverity: 'warning', route: 'north' }],
        },
      })),
      ALERTS_WEBHOOK_SECRET: 'a-webhook-secret-of-the-test',
    };
    const t0 = Date.now() - PLAY_S * 1000;
    const bodies = (): Array<{ type: string; incident: { id: string; members: Array<{ station: string }> } }> =>
      hooks.received.map((h) => JSON.parse(h.body) as { type: string; incident: { id: string; members: Array<{ station: string }> } });

    let centre = await startTestCentre(inject('influxUrl'), env);
    await playSpill(centre, t0, 0, RESTART_AT_S);
    await vi.waitFor(() => expect(bodies().map((b) => b.type)).toEqual(['incident.opened', 'incident.escalated']), { timeout: 30_000 });
    const id = bodies()[0]!.incident.id;
    expect(centre.incidents!.open().map((i) => i.id)).toEqual([id]);
    await centre.close();

    centre = await startTestCentre(inject('influxUrl'), env);
    cleanups.push(() => centre.close());
    expect(centre.incidents!.open().map((i) => [i.id, i.kind])).toEqual([[id, 'river_spread']]);
    await playSpill(centre, t0, RESTART_AT_S, PLAY_S);
    await vi.waitFor(() => expect(bodies().map((b) => b.type)).toEqual(['incident.opened', 'incident.escalated', 'incident.closed']), {
      timeout: 60_000,
    });
    const closed = bodies()[2]!.incident;
    expect(closed.id).toBe(id);
    expect([...new Set(closed.members.map((m) => m.station))]).toEqual([...SPILL_STATIONS]);
    expect(centre.incidents!.open()).toEqual([]);
    // Nothing else came: no member alert's own message, no second opening after the restart.
    expect(hooks.received).toHaveLength(3);
    expect(hooks.received.every((h) => h.headers['x-quantrac-event']?.toString().startsWith('incident.'))).toBe(true);
  });
});
