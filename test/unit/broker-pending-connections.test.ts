import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createPendingConnections } from '../../broker/pending-connections.js';

const closed = (conn: PassThrough): Promise<void> => new Promise((resolve) => conn.once('close', () => resolve()));

describe('pending connections', () => {
  it('admits up to its bound; a place frees when a connection logs in or closes', async () => {
    const pending = createPendingConnections(2);
    const [a, b, c, d] = [new PassThrough(), new PassThrough(), new PassThrough(), new PassThrough()];
    expect(pending.admit(a)).toBe(true);
    expect(pending.admit(b)).toBe(true);
    expect(pending.admit(c)).toBe(false);
    expect(pending.size).toBe(2);
    pending.settle(a);
    expect(pending.size).toBe(1);
    expect(pending.admit(c)).toBe(true);
    const done = closed(b);
    b.destroy();
    await done;
    expect(pending.size).toBe(1);
    expect(pending.admit(d)).toBe(true);
    // Settling twice, or closing after logging in, frees nothing more.
    pending.settle(c);
    pending.settle(c);
    const cDone = closed(c);
    c.destroy();
    await cDone;
    expect(pending.size).toBe(1);
  });
});
