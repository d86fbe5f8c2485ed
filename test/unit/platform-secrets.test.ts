import { describe, expect, it } from 'vitest';
import { createTaskLimiter, generateSecret, hashSecret, isSecretHash, verifySecret } from '../../platform/index.js';

describe('secret hashes (platform)', () => {
  it('hashes with salted scrypt and verifies only the right secret', async () => {
    const a = await hashSecret('s3cret', 1024);
    const b = await hashSecret('s3cret', 1024);
    expect(a).not.toBe(b); // salted
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(isSecretHash(a)).toBe(true);
    expect(await verifySecret(Buffer.from('s3cret'), a)).toBe(true);
    expect(await verifySecret('s3cret', a)).toBe(true);
    expect(await verifySecret(Buffer.from('s3creT'), a)).toBe(false);
  });

  it('keeps the cost in the hash, so a hash made at one cost verifies after the configured cost changed', async () => {
    const cheap = await hashSecret('pw', 16);
    const dearer = await hashSecret('pw', 2048);
    expect(cheap.split('$')[1]).toBe('16');
    expect(dearer.split('$')[1]).toBe('2048');
    expect(await verifySecret('pw', cheap)).toBe(true);
    expect(await verifySecret('pw', dearer)).toBe(true);
  });

  it('refuses a cost that is not a power of two, or below the minimum', async () => {
    await expect(hashSecret('pw', 1000)).rejects.toThrow(RangeError);
    await expect(hashSecret('pw', 1)).rejects.toThrow(RangeError);
    await expect(hashSecret('pw', 512, 1024)).rejects.toThrow(/from 1024/);
  });

  it('verifies nothing against a malformed hash', async () => {
    const good = await hashSecret('pw', 16);
    const parts = good.split('$');
    const malformed = [
      'garbage',
      '',
      parts.slice(0, 5).join('$'),
      ['bcrypt', ...parts.slice(1)].join('$'),
      [parts[0], 'x', ...parts.slice(2)].join('$'),
      [parts[0], '0', ...parts.slice(2)].join('$'),
      [...parts.slice(0, 4), '', parts[5]].join('$'),
      [...parts.slice(0, 5), parts[5]!.slice(0, 10)].join('$'),
      [parts[0], String(1 << 30), ...parts.slice(2)].join('$'), // a planted cost must not make one check cost gigabytes
    ];
    for (const hash of malformed) {
      expect(isSecretHash(hash), hash).toBe(false);
      expect(await verifySecret('pw', hash), hash).toBe(false);
    }
  });

  it('normalises strings to NFC, so the same password typed as composed or decomposed characters matches; bytes are taken as they are', async () => {
    const composed = 'Tr\u1EA7n'; // "Trần" with precomposed ầ
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const hash = await hashSecret(decomposed, 16);
    expect(await verifySecret(composed, hash)).toBe(true);
    expect(await verifySecret(decomposed, hash)).toBe(true);
    expect(await verifySecret(Buffer.from(composed), hash)).toBe(true);
    expect(await verifySecret(Buffer.from(decomposed), hash)).toBe(false);
  });

  it('generates URL-safe random secrets of the asked size (192 bits by default)', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generateSecret()).not.toBe(a);
    expect(Buffer.from(generateSecret(16), 'base64url')).toHaveLength(16);
  });
});

describe('task limiter (platform): a bound on secret checks in flight', () => {
  /** A task that runs until the test ends it. */
  const gate = () => {
    let open!: () => void;
    const done = new Promise<void>((r) => (open = r));
    return { open: () => open(), task: () => done };
  };

  it('runs at most maxActive at once, queues maxQueued in order, and refuses beyond at once', async () => {
    const limiter = createTaskLimiter({ maxActive: 1, maxQueued: 2 });
    const order: string[] = [];
    const first = gate();
    const a = limiter.tryRun(async () => {
      order.push('a');
      await first.task();
    });
    const b = limiter.tryRun(async () => void order.push('b'));
    const c = limiter.tryRun(async () => void order.push('c'));
    expect(a && b && c).toBeDefined();
    expect(limiter.tryRun(async () => void order.push('d'))).toBeUndefined();
    expect(limiter.stats()).toEqual({ active: 1, queued: 2, started: 1, refused: 1 });
    first.open();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(limiter.stats()).toEqual({ active: 0, queued: 0, started: 3, refused: 1 });
  });

  it('frees its place when a task fails, and passes the failure on', async () => {
    const limiter = createTaskLimiter({ maxActive: 1, maxQueued: 0 });
    await expect(limiter.tryRun(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      limiter.tryRun(() => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    expect(await limiter.tryRun(async () => 42)).toBe(42);
  });
});
