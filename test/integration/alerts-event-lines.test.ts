import { describe, expect, inject, it } from 'vitest';
import type { Alert } from '../../core/index.js';
import { createInfluxClient } from '../../ingest/index.js';
import { encodeAlertEvent, encodeSilence } from '../../alerts/event-lines.js';
import { loadOpenAlerts, loadSilences } from '../../alerts/event-store.js';
import { testDatabase } from '../helpers/centre.js';

// An acknowledge note and a silence reason are user text: with a NUL, newlines, quotes and
// backslashes they are still stored by the real InfluxDB 1.x and restored from it.
const T0 = Date.now() - 60_000;
const NOTE = 'valve\u0000 shut\nby "ops" at C:\\plant\\\ttab';

describe('alert event lines through the real InfluxDB', () => {
  it('an acknowledge note and a silence reason with a NUL and a newline round-trip safely', async () => {
    const influx = createInfluxClient({ api: 'v1', url: inject('influxUrl'), db: testDatabase() });
    await influx.ensureDatabase();
    const alert: Alert = {
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
      updatedAt: T0 + 1,
      acknowledgedBy: 'nguyen.van.a',
      acknowledgedAt: T0 + 1,
      note: NOTE,
    };
    const silence = { id: 's-1', station: 'ST-2', from: T0, until: T0 + 3_600_000, by: 'pham.d', reason: 'pump\u0000 swap\nday 2' };
    await influx.write(`${encodeAlertEvent({ type: 'acknowledged', at: T0 + 1, alert })}\n${encodeSilence(silence)}\n`);

    // The whole alert (JSON) comes back exactly; the plain fields with spaces for control characters.
    expect(await loadOpenAlerts(influx.query)).toEqual([{ alert, at: T0 + 1 }]);
    const [series] = await influx.query('SELECT "note" FROM "alert_event"');
    expect(series?.values[0]?.[1]).toBe('valve  shut by "ops" at C:\\plant\\ tab');
    expect(await loadSilences(influx.query, T0)).toEqual([{ ...silence, parameter: undefined, reason: 'pump  swap day 2' }]);
  });
});
