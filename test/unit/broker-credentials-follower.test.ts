import { describe, expect, it } from 'vitest';
import type { Aedes, Client } from 'aedes';
import type { Identity } from '../../broker/acl.js';
import { createClientRegistry } from '../../broker/client-registry.js';
import { followCredentials } from '../../broker/credentials-follower.js';
import { captureLog } from '../helpers/log-capture.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

describe('credentials follower', () => {
  it('polls on the scheduler and closes the connections of accounts whose access changed', async () => {
    const vt = createVirtualTime();
    const logs = captureLog();
    const clients = createClientRegistry();
    const closed: string[] = [];
    const client = (id: string, account: string): Client => {
      const c = { id, close: () => closed.push(id) } as unknown as Client;
      clients.accepted(c, '10.0.0.1');
      clients.get(c)!.identity = { account, role: 'subscriber' } as Identity;
      return c;
    };
    const aedes = { clients: { a1: client('a1', 'A'), a2: client('a2', 'A'), b1: client('b1', 'B') } } as unknown as Aedes;
    const answers: string[][] = [[], ['A']];
    let polls = 0;
    const auth = { reload: async () => answers[polls++] ?? [] };
    const poll = followCredentials({ aedes, auth, clients, log: logs.log, pollMs: 2000, scheduler: vt.scheduler });
    vt.advanceBy(1999);
    expect(polls).toBe(0);
    vt.advanceBy(1);
    await Promise.resolve();
    expect(polls).toBe(1);
    expect(closed).toEqual([]);
    vt.advanceBy(2000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toEqual(['a1', 'a2']);
    expect(logs.lines('credentials changed')).toHaveLength(2);
    poll.unsubscribe();
    vt.advanceBy(10_000);
    expect(polls).toBe(2);
  });
});
