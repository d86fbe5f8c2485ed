import { describe, expect, it } from 'vitest';
import type { Alert, AlertEvent, Silence } from '../../core/index.js';
import { encodeAlertEvent, encodeSilence, parseAlertJson } from '../../alerts/event-lines.js';

// User text (an acknowledge note, a silence reason) goes into line protocol: a control
// character there would break the line, and a NUL in the spool reads as a torn tail.
const T0 = Date.parse('2026-11-27T01:00:00Z');
const UNSAFE = 'a\u0000b\nc\rd\te\u001fv\u007f "valve" C:\\temp';

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 'ST-1|COD|threshold',
  station: 'ST-1',
  zone: 'Z1',
  parameter: 'COD',
  rule: 'threshold',
  severity: 'critical',
  state: 'acknowledged',
  message: 'COD 120 mg/L above the limit 75 mg/L',
  value: 120,
  limit: 75,
  unit: 'mg/L',
  since: T0,
  firedAt: T0,
  updatedAt: T0,
  acknowledgedBy: 'nguyen.van.a',
  acknowledgedAt: T0,
  note: UNSAFE,
  ...over,
});

/** No byte a line of line protocol must not hold: one line, printable. */
const expectOneSafeLine = (line: string): void => {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what the line must not hold
  expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
};

describe('alert event lines', () => {
  it('an acknowledge note with a NUL, newlines and tabs becomes one safe line; quotes and backslashes stay escaped', () => {
    const event: AlertEvent = { type: 'acknowledged', at: T0 + 1, alert: alert() };
    const line = encodeAlertEvent(event);
    expectOneSafeLine(line);
    expect(line).toContain(String.raw`note="a b c d e v  \"valve\" C:\\temp"`);
    // The whole alert travels as JSON, whose escapes keep the note for a restore (JSON leaves
    // DEL raw, so that one becomes a space like the others).
    const json = /alert="((?:\\.|[^"\\])*)"/.exec(line)![1]!.replace(/\\(.)/g, '$1');
    expect(parseAlertJson(json)?.note).toBe(UNSAFE.replace('\u007f', ' '));
  });

  it('a silence reason with control characters becomes one safe line', () => {
    const silence: Silence = {
      id: 's-1',
      station: 'ST-1',
      from: T0,
      until: T0 + 3_600_000,
      by: 'pham.d',
      reason: `maintenance\u0000\nday 2`,
    };
    const line = encodeSilence(silence);
    expectOneSafeLine(line);
    expect(line).toContain('reason="maintenance  day 2"');
  });

  it('a tag with a newline gets an escaped space, not a bare one that would end the tag set', () => {
    const line = encodeAlertEvent({ type: 'raised', at: T0, alert: alert({ station: 'ST\n1', note: undefined }) });
    expectOneSafeLine(line);
    expect(line).toContain(String.raw`station=ST\ 1,`);
  });
});
