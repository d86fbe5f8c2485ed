import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../core/index.js';
import { createInfluxClient, InfluxWriteError, isLoopback } from '../../ingest/index.js';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
});

/** A stand-in for InfluxDB's HTTP API on loopback: records requests, answers with `reply`. */
async function fakeServer(reply: (res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      reply(res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}`, seen };
}

const body = Array.from(
  { length: 50 },
  (_, i) => `reading,parameter=COD,station=S,status=00,zone=Z value=${i} ${1_700_000_000_000 + i}`,
).join('\n');

describe('InfluxDB client writes', () => {
  it('/write with db, ms precision, Basic auth in a header (never the URL), gzip above the threshold', async () => {
    const { url, seen } = await fakeServer((res) => res.writeHead(204).end());
    const client = createInfluxClient(
      { api: 'v1', url, db: 'qt', rp: 'autogen', username: 'writer', password: 's3cret' },
      { gzipThreshold: 1000 },
    );
    await client.write(Buffer.from(body));
    expect(seen[0]!.url).toBe('/write?db=qt&precision=ms&rp=autogen');
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('writer:s3cret').toString('base64')}`);
    expect(seen[0]!.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(seen[0]!.body).toString()).toBe(body);
    expect(seen[0]!.url).not.toContain('s3cret');
  });

  it('InfluxDB on loopback gets plain line protocol by default: gzip would only cost CPU on both sides', async () => {
    const { url, seen } = await fakeServer((res) => res.writeHead(204).end());
    await createInfluxClient({ api: 'v1', url, db: 'qt' }).write(Buffer.from(body));
    expect(seen[0]!.headers['content-encoding']).toBeUndefined();
    expect(seen[0]!.body.toString()).toBe(body);
  });

  it.each([
    ['http://127.0.0.1:8086', true],
    ['http://127.9.0.1:8086', true],
    ['http://localhost:8086', true],
    ['http://[::1]:8086', true],
    ['http://10.0.0.5:8086', false],
    ['https://influx.example.vn', false],
    ['http://127.0.0.1.example.vn', false],
    ['not a url', false],
  ])('isLoopback(%s) is %s', (url, expected) => {
    expect(isLoopback(url)).toBe(expected);
  });

  it('/api/v2/write with org, bucket and a token', async () => {
    const { url, seen } = await fakeServer((res) => res.writeHead(204).end());
    const client = createInfluxClient({ api: 'v2', url, org: 'env agency', bucket: 'readings', token: 'tok' });
    await client.write('reading value=1 1');
    expect(seen[0]!.url).toBe('/api/v2/write?org=env+agency&bucket=readings&precision=ms');
    expect(seen[0]!.headers.authorization).toBe('Token tok');
    expect(seen[0]!.body.toString()).toBe('reading value=1 1'); // small: not gzipped
  });

  it.each([
    [400, 'rejected', false],
    [413, 'rejected', false],
    [422, 'rejected', false],
    [401, 'config', false],
    [403, 'config', false],
    [404, 'config', false],
    [408, 'server', true],
    [429, 'throttled', true],
    [500, 'server', true],
    [503, 'server', true],
  ])('status %i is a %s error (retryable: %s)', async (status, kind, retryable) => {
    const { url } = await fakeServer((res) =>
      res
        .writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '3' } : {}) })
        .end('{"error":"nope"}'),
    );
    const err = await createInfluxClient({ api: 'v1', url, db: 'qt' })
      .write('x value=1 1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfluxWriteError);
    expect(err).toMatchObject({ kind, retryable, statusCode: status });
    if (status === 429) expect((err as InfluxWriteError).retryAfterMs).toBe(3000);
  });

  it('a refused connection is a network error (retryable)', async () => {
    const port = await freePort();
    const err = await createInfluxClient({ api: 'v1', url: `http://127.0.0.1:${port}`, db: 'qt' })
      .write('x value=1 1')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', retryable: true });
  });

  it('an aborted write rejects at once', async () => {
    const { url } = await fakeServer(() => undefined); // never answers
    const ac = new AbortController();
    const p = createInfluxClient({ api: 'v1', url, db: 'qt' })
      .write('x value=1 1', { signal: ac.signal })
      .catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 50);
    expect(await p).toMatchObject({ kind: 'network' });
  });
});
