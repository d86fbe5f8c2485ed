import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRateLimitedLog } from '../../platform/index.js';

function capture(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

describe('platform log: rate-limited', () => {
  it('logs a key once per interval and tells how many lines it held back', () => {
    let now = 0;
    const { log, lines } = capture();
    const limited = createRateLimitedLog(log, 60_000, { now: () => now });
    for (let i = 0; i < 1_000; i++) limited('warn', 'client-a:bad-packet', { client: 'a' }, 'bad packet');
    limited('warn', 'client-b:bad-packet', { client: 'b' }, 'bad packet');
    expect(lines.map((l) => l.client)).toEqual(['a', 'b']);
    now = 60_000;
    limited('warn', 'client-a:bad-packet', { client: 'a' }, 'bad packet');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ client: 'a', suppressed: 999, msg: 'bad packet', level: 40 });
  });

  it('keeps at most maxKeys keys: a flood of new keys cannot grow its memory', () => {
    const { log, lines } = capture();
    const limited = createRateLimitedLog(log, 60_000, { now: () => 0 }, 10);
    for (let i = 0; i < 100; i++) limited('info', `k${i}`, {}, 'x');
    limited('info', 'k0', {}, 'x'); // forgotten long ago, so logged again
    limited('info', 'k99', {}, 'x'); // still remembered
    expect(lines).toHaveLength(101);
  });
});
