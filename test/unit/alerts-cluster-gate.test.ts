import { afterEach, describe, expect, it } from 'vitest';
import { createAlertsFixture, STATION, type AlertsFixture } from '../helpers/alerts-fixture.js';

/**
 * Cluster mode (docs/ARCHITECTURE.md, "Cluster mode"): a node evaluates only the stations whose
 * shard it leases, and the centre-wide storage rule (station `centre`) is owned like a station,
 * so the backlog alert is raised by one node, not by each.
 */
describe('alerts gated by ownership', () => {
  let f: AlertsFixture | undefined;
  afterEach(async () => {
    await f?.alerts.close();
    f = undefined;
  });

  it('raises the storage backlog alert only on the node that owns `centre`', async () => {
    f = await createAlertsFixture({ gated: true });
    f.alerts.adopt([STATION], [], []);
    f.storage$.next({ backlog: true, spoolBytes: 600, budgetBytes: 1000, backpressure: 'none' });
    f.vt.advanceBy(60_000);
    expect(f.alerts.open({ rule: 'backlog' })).toHaveLength(0);
    expect(f.ofType('raised', 'backlog')).toHaveLength(0);

    f.alerts.adopt(['centre'], [], []);
    f.storage$.next({ backlog: true, spoolBytes: 600, budgetBytes: 1000, backpressure: 'none' });
    f.vt.advanceBy(60_000);
    expect(f.ofType('raised', 'backlog')).toHaveLength(1);
  });
});
