import { afterEach, describe, expect, it } from 'vitest';
import { renderAlertText } from '../../core/index.js';
import { encodeAlertEvent, parseAlertJson } from '../../alerts/event-lines.js';
import { createAlertsFixture, STATION, ZONE, type AlertsFixture } from '../helpers/alerts-fixture.js';

// Alerts as data: every alert carries a code and parameters that render its message; e-mails and
// webhooks speak their route's language. In virtual time.
const MIN = 60_000;
const fast = { version: 1, defaults: { threshold: { forS: 0, clearForS: 0 } } };
const routing = {
  version: 1,
  escalateAfterMin: 15,
  routes: {
    north: { email: ['truc-ban@example.vn'], webhooks: ['ops'], lang: 'vi' },
    english: { email: ['consultant@example.com'] },
    bosses: { email: ['lanh-dao@example.vn'], lang: 'vi' },
  },
  webhooks: { ops: { url: 'http://127.0.0.1:9/hook' } },
  routing: [
    { zones: [ZONE], minSeverity: 'warning', route: 'north', escalateTo: 'bosses' },
    { zones: [ZONE], minSeverity: 'critical', route: 'english' },
  ],
};

describe('alert message codes and notification languages', () => {
  let f: AlertsFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });
  const at = (ms: number): number => f!.vt.now() + ms;

  it('gives every alert of every rule a code and parameters whose English rendering is its message', async () => {
    f = await createAlertsFixture({ rules: fast });
    f.reading('COD', 60); // threshold, 80 % of the limit
    f.reading('COD', 91.26, { atMs: at(MIN) }); // above the limit
    f.series('COD', 20, MIN, () => 40, { status: '02' }); // sensor fault, status 02
    f.reading('COD', 600, { atMs: at(MIN) }); // outside the instrument's range
    f.vt.advanceBy(10 * MIN); // station B silent: stale
    f.storage$.next({ backlog: true, spoolBytes: 90, budgetBytes: 100, backpressure: 'slowing', since: f.vt.now() });
    f.vt.advanceBy(2 * MIN);
    const codes = new Set(f.events.map((e) => e.alert.code));
    expect([...codes].sort()).toEqual(
      expect.arrayContaining(['threshold.approaching', 'threshold.above', 'sensor_fault.device', 'stale.no_data', 'backlog.spool']),
    );
    for (const e of f.events) {
      expect(e.alert.code, e.alert.message).toBeDefined();
      expect(renderAlertText(e.alert.code!, e.alert.params, 'en')).toBe(e.alert.message);
    }
    const above = f.events.find((e) => e.alert.code === 'threshold.above')!;
    expect(above.alert.params).toEqual({ parameter: 'COD', unit: 'mg/L', value: 91.26, limit: 75 });
    expect(renderAlertText(above.alert.code!, above.alert.params, 'vi')).toBe('COD 91,26 mg/L vượt giới hạn 75 mg/L');
    const device = f.events.find((e) => e.alert.code === 'sensor_fault.device')!;
    expect(device.alert.params).toMatchObject({ parameter: 'COD', minutes: 15 });
    // Stored events keep the code and parameters (the alert JSON of alert_event): history and
    // restored alerts render in either language too.
    expect(f.lines.some((l) => l.includes('threshold.above'))).toBe(true);
    const line = encodeAlertEvent(above);
    const json = /alert="((?:[^"\\]|\\.)*)"/.exec(line)![1]!.replace(/\\(.)/g, '$1');
    expect(parseAlertJson(json)).toMatchObject({ code: 'threshold.above', params: above.alert.params });
  });

  it("sends each route's e-mail in its language: Vietnamese, and English where the route says nothing", async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    f.reading('COD', 91.26);
    const [vi, en] = [
      f.emails.find((e) => e.to.includes('truc-ban@example.vn'))!,
      f.emails.find((e) => e.to.includes('consultant@example.com'))!,
    ];
    expect(f.emails).toHaveLength(2);
    expect(vi.subject).toBe(`[quantrac] NGHIÊM TRỌNG phát sinh: ${STATION} COD - COD 91,26 mg/L vượt giới hạn 75 mg/L`);
    expect(vi.text.split('\n')).toEqual(
      expect.arrayContaining([
        'COD 91,26 mg/L vượt giới hạn 75 mg/L',
        'Sự kiện:    phát sinh',
        'Quy tắc:    vượt ngưỡng tức thời',
        'Mức:        nghiêm trọng',
        'Tình trạng: đang báo',
        expect.stringMatching(/^Từ lúc: {5}\d\d:\d\d \d\d\/\d\d\/\d{4} \(UTC\+7\)$/),
        `Mã cảnh báo: ${STATION}|COD|threshold`,
      ]),
    );
    expect(en.subject).toBe(`[quantrac] CRITICAL raised: ${STATION} COD - COD 91.26 mg/L above the limit 75 mg/L`);
    expect(en.text).toContain('Event:     raised');
  });

  it("posts webhooks with the text in the route's language and the code and parameters raw", async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    f.reading('COD', 91.26);
    expect(f.posts).toHaveLength(1);
    const body = JSON.parse(f.posts[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'raised',
      escalation: false,
      lang: 'vi',
      label: 'phát sinh',
      text: 'COD 91,26 mg/L vượt giới hạn 75 mg/L',
      alert: {
        code: 'threshold.above',
        params: { parameter: 'COD', unit: 'mg/L', value: 91.26, limit: 75 },
        message: 'COD 91.26 mg/L above the limit 75 mg/L',
      },
    });
  });

  it("escalates in the second route's language", async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    const t0 = f.vt.now();
    f.reading('COD', 100);
    while (f.vt.now() + MIN <= t0 + 15 * MIN) f.reading('COD', 100 + Math.random(), { atMs: at(MIN) });
    f.vt.advanceTo(t0 + 15 * MIN);
    const boss = f.emails.find((e) => e.to.includes('lanh-dao@example.vn'));
    expect(boss?.subject).toMatch(/^\[quantrac\] NGHIÊM TRỌNG chưa được xác nhận sau 15 phút: /);
  });
});
