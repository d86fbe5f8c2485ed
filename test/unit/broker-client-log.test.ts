import { describe, expect, it } from 'vitest';
import { createClientLog } from '../../broker/client-log.js';
import { captureLog } from '../helpers/log-capture.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

describe('broker client log', () => {
  it("logs the first of a client's repeated errors, one line per client and kind a minute, then the count held back", () => {
    const vt = createVirtualTime();
    const logs = captureLog();
    const log = createClientLog(logs.log, vt.clock);
    for (let i = 0; i < 50; i++) log('warn', 'client A', 'subscribe_forbidden', { n: i }, 'subscription refused');
    log('warn', 'client B', 'subscribe_forbidden', { n: 0 }, 'subscription refused');
    log('warn', 'client A', 'publish_forbidden', { n: 0 }, 'publish refused');
    expect(logs.lines('subscription refused')).toEqual([expect.objectContaining({ n: 0 }), expect.objectContaining({ n: 0 })]);
    expect(logs.lines('publish refused')).toHaveLength(1);
    vt.advanceBy(60_000);
    log('warn', 'client A', 'subscribe_forbidden', { n: 50 }, 'subscription refused');
    expect(logs.lines('subscription refused').at(-1)).toMatchObject({ n: 50, suppressed: 49, level: 40 });
  });

  it('writes debug lines at debug level, rate-limited the same way, and only when debug is on', () => {
    const vt = createVirtualTime();
    const debug = captureLog('debug');
    const log = createClientLog(debug.log, vt.clock);
    for (let i = 0; i < 3; i++) log('debug', 'client A', 'client_error', { i }, 'client error');
    expect(debug.lines('client error')).toEqual([expect.objectContaining({ i: 0, level: 20 })]);
    const info = captureLog('info');
    createClientLog(info.log, vt.clock)('debug', 'client A', 'client_error', {}, 'client error');
    expect(info.lines()).toEqual([]);
  });
});
