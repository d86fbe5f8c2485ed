import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createConsoleLogger, loadConfig, type Logger } from '../../core/index.js';

/** A destination that keeps what was written. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Logs one line with a secret in it and returns what reached the destination. */
async function oneLine(make: (destination: Writable) => Promise<Logger>): Promise<string> {
  const out = sink();
  const log = await make(out.stream);
  log.info({ station: 'BN-1', password: 'hunter2', headers: { authorization: 'Bearer abc' } }, 'gateway connected');
  log.flush();
  await new Promise((r) => setImmediate(r));
  return out.text();
}

const isJsonLine = (text: string): boolean => {
  try {
    JSON.parse(text.trim().split('\n')[0]!);
    return true;
  } catch {
    return false;
  }
};

describe('log format choice', () => {
  it('auto follows isTTY; json and pretty are forced either way', () => {
    expect(chooseLogFormat('auto', true)).toBe('pretty');
    expect(chooseLogFormat('auto', false)).toBe('json');
    expect(chooseLogFormat('auto', undefined)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('LOG_FORMAT is auto by default and refuses anything else than auto, json, pretty', () => {
    expect(loadConfig({}).LOG_FORMAT).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});

describe('console logger', () => {
  it('on a terminal: human-readable lines, secrets still redacted', async () => {
    const text = await oneLine((destination) => createConsoleLogger({ isTTY: true, destination }));
    expect(isJsonLine(text)).toBe(false);
    expect(text).toContain('gateway connected');
    expect(text).toContain('BN-1');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('Bearer abc');
  });

  it('not a terminal: JSON lines, secrets redacted', async () => {
    const text = await oneLine((destination) => createConsoleLogger({ isTTY: false, destination }));
    const line = JSON.parse(text.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'gateway connected', station: 'BN-1', password: '[redacted]', app: 'quantrac' });
    expect(text).not.toContain('hunter2');
  });

  it('LOG_FORMAT=json on a terminal gives JSON; pretty without one gives text', async () => {
    expect(isJsonLine(await oneLine((destination) => createConsoleLogger({ isTTY: true, format: 'json', destination })))).toBe(true);
    const pretty = await oneLine((destination) => createConsoleLogger({ isTTY: false, format: 'pretty', destination }));
    expect(isJsonLine(pretty)).toBe(false);
    expect(pretty).not.toContain('\u001b['); // no colours into a pipe
  });

  it('without pino-pretty installed, falls back to JSON and says so', async () => {
    const text = await oneLine((destination) => createConsoleLogger({ isTTY: true, destination, loadPretty: async () => undefined }));
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; password?: string });
    expect(lines[0]!.msg).toContain('pino-pretty is not installed');
    expect(lines[1]).toMatchObject({ msg: 'gateway connected', password: '[redacted]' });
  });
});
