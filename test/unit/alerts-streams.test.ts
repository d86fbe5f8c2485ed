import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Presence, StorageCondition } from '../../core/index.js';
import { createAlertsFixture, STATION, type AlertsFixture } from '../helpers/alerts-fixture.js';
import { captureLog } from '../helpers/log-capture.js';

// A subscriber that throws reaches RxJS's unhandled-error path, which rethrows on a timer and
// ends the process: the alerts part logs such a failure and carries on (STYLE.md).
describe('alerts input streams', () => {
  let f: AlertsFixture | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await f?.close();
    f = undefined;
  });

  it('a presence update the rules fail on is logged, and the next one is still handled', async () => {
    const logs = captureLog('info');
    f = await createAlertsFixture({ log: logs.log });
    f.presence$.next(null as unknown as Presence);
    expect(logs.lines('alert rules failed on a presence update')).toHaveLength(1);
    const onPresence = vi.spyOn(f.alerts.engine, 'onPresence');
    f.presence$.next({ station: STATION, state: 'online', ts: f.vt.now() });
    expect(onPresence).toHaveBeenCalledTimes(1);
  });

  it('a storage condition the rules fail on is logged, and the next one is still handled', async () => {
    const logs = captureLog('info');
    f = await createAlertsFixture({ log: logs.log });
    const onStorage = vi.spyOn(f.alerts.engine, 'onStorage').mockImplementationOnce(() => {
      throw new Error('rule failed');
    });
    const condition: StorageCondition = { backlog: false, spoolBytes: 0, budgetBytes: 1024, backpressure: 'none' };
    f.storage$.next(condition);
    f.storage$.next(condition);
    expect(onStorage).toHaveBeenCalledTimes(2);
    expect(logs.lines('alert rules failed on a storage condition update')).toMatchObject([{ err: { message: 'rule failed' } }]);
  });
});
