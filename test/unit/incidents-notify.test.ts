import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentEvent } from '../../core/index.js';
import { createIncidentNotifier, incidentRoutes, parseNotifyConfig } from '../../alerts/index.js';
import type { WebhookRequest } from '../../alerts/index.js';
import { createCorrelator } from '../../incidents/correlator.js';
import { DEFAULT_INCIDENT_RULES } from '../../incidents/incident-rules.js';
import { placesOf } from '../../incidents/places.js';
import { createAlertsFixture, ZONE, type AlertsFixture } from '../helpers/alerts-fixture.js';
import { alertEvent as ev, incidentsCatalogue, MIN } from '../helpers/incidents-fixture.js';
import { captureLog } from '../helpers/log-capture.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

// Notifications at incident level: one message per opening, escalation and closing, routed by
// zone and severity like alerts', in the route's language; member alerts send nothing of their own.
const T0 = Date.UTC(2026, 11, 4, 7, 5);
const notify = parseNotifyConfig({
  version: 1,
  webhooks: { ops: { url: 'http://127.0.0.1:9/hook' } },
  incidentRules: ['threshold', 'average', 'trend', 'rate'],
  routes: {
    riverside: { email: ['truc-ban@example.vn'], webhooks: ['ops'], lang: 'vi' },
    bosses: { email: ['director@example.com'] },
    faraway: { email: ['xa@example.vn'], lang: 'vi' },
  },
  routing: [
    { zones: ['RIVERSIDE', 'DOWNTOWN'], minSeverity: 'warning', route: 'riverside' },
    { minSeverity: 'critical', route: 'bosses' },
    { zones: ['FARAWAY'], minSeverity: 'warning', route: 'faraway' },
  ],
});

function spill(): IncidentEvent[] {
  let n = 0;
  const c = createCorrelator({ rules: DEFAULT_INCIDENT_RULES, places: placesOf(incidentsCatalogue()), newId: () => `INC-${++n}` });
  return [
    ...c.onAlertEvent(ev('raised', T0, 'RS-A', 'COD')),
    ...c.onAlertEvent(ev('raised', T0 + 8 * MIN, 'RS-B', 'COD')),
    ...c.onAlertEvent(ev('raised', T0 + 16 * MIN, 'DT-A', 'COD')),
    ...c.onAlertEvent(ev('resolved', T0 + 30 * MIN, 'RS-A', 'COD')),
    ...c.onAlertEvent(ev('resolved', T0 + 30 * MIN, 'RS-B', 'COD')),
    ...c.onAlertEvent(ev('resolved', T0 + 30 * MIN, 'DT-A', 'COD')),
    ...c.tick(T0 + 50 * MIN),
  ];
}

describe('incident notifications', () => {
  let f: AlertsFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('routes an incident by the zones of its members and its severity', () => {
    expect(incidentRoutes(notify, ['RIVERSIDE'], 'warning')).toEqual(['riverside']);
    expect(incidentRoutes(notify, ['RIVERSIDE', 'FARAWAY'], 'critical').sort()).toEqual(['bosses', 'faraway', 'riverside']);
    expect(incidentRoutes(notify, ['ELSEWHERE'], 'warning')).toEqual([]);
  });

  it('tells each target once per opening, escalation and closing, in its language; updates stay quiet', async () => {
    const vt = createVirtualTime(T0);
    const emails: Array<{ to: string[]; subject: string; text: string }> = [];
    const posts: WebhookRequest[] = [];
    const notifier = createIncidentNotifier({
      config: notify,
      scheduler: vt.scheduler,
      clock: vt.clock,
      log: captureLog().log,
      emailSender: { send: async (to, subject, text) => void emails.push({ to, subject, text }), close: () => undefined },
      post: async (req) => void posts.push(req),
      zonesOf: (e) => [e.incident.zone],
      names: () => ({ zone: 'Riverside', water: 'Sông Cầu' }),
    });
    const events = spill();
    expect(events.map((e) => e.type)).toEqual(['opened', 'updated', 'escalated', 'updated', 'updated', 'updated', 'closed']);
    for (const e of events) notifier.notify(e);
    vt.advanceBy(1000);
    expect(posts.map((p) => p.eventType)).toEqual(['incident.opened', 'incident.escalated', 'incident.closed']);
    const body = JSON.parse(posts[1]!.body) as { lang: string; label: string; text: string; incident: { kind: string } };
    expect(body).toMatchObject({ lang: 'vi', label: 'nâng lên nghiêm trọng', incident: { kind: 'river_spread' } });
    expect(body.text).toBe('Lan truyền theo dòng sông — Sông Cầu, Riverside (Bắc Ninh) — 3 trạm');
    // Warning when it opened: the Vietnamese on-call only; critical from the escalation: the directors too, in English.
    expect(emails.map((m) => m.to.join())).toEqual([
      'truc-ban@example.vn',
      'truc-ban@example.vn',
      'director@example.com',
      'truc-ban@example.vn',
      'director@example.com',
    ]);
    expect(emails[2]!.subject).toBe(
      '[quantrac] INCIDENT CRITICAL escalated to critical: Spreading down a river — Sông Cầu, Riverside (Bắc Ninh) — 3 stations',
    );
    expect(emails[0]!.text).toContain('Các trạm: RS-A (COD)');
    await notifier.close();
  });

  it('holds the own notifications of alerts told as incidents; others still go', async () => {
    f = await createAlertsFixture({
      rules: { version: 1, defaults: { threshold: { forS: 0, clearForS: 0 } } },
      notify: {
        version: 1,
        incidentRules: ['threshold'],
        webhooks: { ops: { url: 'http://127.0.0.1:9/hook' } },
        routes: { r: { webhooks: ['ops'] } },
        routing: [{ zones: [ZONE], minSeverity: 'warning', route: 'r' }],
      },
    });
    f.reading('COD', 500);
    f.series('COD', 20, MIN, () => 40, { status: '02' });
    expect(f.events.map((e) => e.alert.rule)).toEqual(expect.arrayContaining(['threshold', 'sensor_fault']));
    expect(f.posts.map((p) => (JSON.parse(p.body) as { alert: { rule: string } }).alert.rule)).toEqual(['sensor_fault']);
  });
});
