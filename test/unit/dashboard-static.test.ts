import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../platform/index.js';
import { createStaticCache } from '../../dashboard/server/static-cache.js';
import { createStaticFiles } from '../../dashboard/server/static-files.js';
import { cacheControlFor, chooseEncoding, etagMatches, IMMUTABLE } from '../../dashboard/server/static-negotiation.js';

const INDEX = `<!doctype html><html><head><title>quantrac</title></head><body>${'<p>trạm quan trắc</p>'.repeat(40)}</body></html>`;
const BUNDLE = `export const stations = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ id: `BN-${i}`, name: `Trạm ${i}` })))};\n`;
const BUNDLE_PATH = '/assets/index-Bx3_k9Qa.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let outer: string;
let dir: string;
let server: Server;
let base: string;

/** A raw GET (no automatic decoding, unlike fetch), so the encoded bytes can be checked. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  outer = await mkdtemp(join(tmpdir(), 'quantrac-static-'));
  dir = join(outer, 'dist');
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(outer, 'secret.txt'), 'not for the web');
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, BUNDLE_PATH), BUNDLE);
  await writeFile(join(dir, 'assets', 'logo.png'), Buffer.alloc(600, 7));
  const files = createStaticFiles(dir);
  server = createServer((req, res) => void files.serve(req, res, req.url ?? '/'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await rm(outer, { recursive: true, force: true });
});

describe('static files: compression', () => {
  it('answers brotli when accepted, and it decodes to the file with the right length', async () => {
    const a = await get(BUNDLE_PATH, { 'accept-encoding': 'gzip, deflate, br' });
    expect(a.status).toBe(200);
    expect(a.headers['content-encoding']).toBe('br');
    expect(a.headers.vary).toBe('Accept-Encoding');
    expect(Number(a.headers['content-length'])).toBe(a.body.length);
    expect(a.body.length).toBeLessThan(Buffer.byteLength(BUNDLE));
    expect(brotliDecompressSync(a.body).toString()).toBe(BUNDLE);
    expect(a.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('answers gzip when brotli is not accepted', async () => {
    const a = await get(BUNDLE_PATH, { 'accept-encoding': 'gzip, br;q=0' });
    expect(a.headers['content-encoding']).toBe('gzip');
    expect(Number(a.headers['content-length'])).toBe(a.body.length);
    expect(gunzipSync(a.body).toString()).toBe(BUNDLE);
  });

  it('answers the plain file without Accept-Encoding', async () => {
    const a = await get('/', {});
    expect(a.status).toBe(200);
    expect(a.headers['content-encoding']).toBeUndefined();
    expect(a.body.toString()).toBe(INDEX);
    expect(Number(a.headers['content-length'])).toBe(Buffer.byteLength(INDEX));
  });

  it('does not compress an image', async () => {
    const a = await get('/assets/logo.png', { 'accept-encoding': 'br, gzip' });
    expect(a.headers['content-encoding']).toBeUndefined();
    expect(a.body).toEqual(Buffer.alloc(600, 7));
  });

  it('keeps the security headers on every answer', async () => {
    for (const a of [await get('/', { 'accept-encoding': 'br' }), await get('/nope.js'), await get('/%E0%A4%A')]) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(a.headers[name]).toBe(value);
    }
  });

  it('a HEAD gives the headers and no body', async () => {
    const a = await get(BUNDLE_PATH, { 'accept-encoding': 'br' }, 'HEAD');
    expect(a.status).toBe(200);
    expect(a.headers['content-encoding']).toBe('br');
    expect(Number(a.headers['content-length'])).toBeGreaterThan(0);
    expect(a.body.length).toBe(0);
  });
});

describe('static files: caching', () => {
  it('hashed assets are immutable for a year; index.html and unhashed files are revalidated', async () => {
    expect((await get(BUNDLE_PATH)).headers['cache-control']).toBe(IMMUTABLE);
    expect((await get('/')).headers['cache-control']).toBe('no-cache');
    expect((await get('/index.html')).headers['cache-control']).toBe('no-cache');
    expect((await get('/assets/logo.png')).headers['cache-control']).toBe('no-cache');
  });

  it('answers 304 without a body to a matching If-None-Match, whatever the encoding', async () => {
    const first = await get('/', { 'accept-encoding': 'br' });
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect((await get('/')).headers.etag).toBe(etag);
    const again = await get('/', { 'if-none-match': etag, 'accept-encoding': 'gzip' });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect((await get('/', { 'if-none-match': 'W/"other"' })).status).toBe(200);
  });

  it('a changed file gets a new ETag and its new content', async () => {
    const file = join(dir, 'extra.txt');
    await writeFile(file, 'one');
    const a = await get('/extra.txt');
    await writeFile(file, 'second version');
    const b = await get('/extra.txt', { 'if-none-match': a.headers.etag! });
    expect(b.status).toBe(200);
    expect(b.body.toString()).toBe('second version');
    expect(b.headers.etag).not.toBe(a.headers.etag);
  });
});

describe('static files: missing and refused paths', () => {
  it('a missing file is 404; a path without an extension gets the page', async () => {
    expect((await get('/assets/index-OLDHASH1.js')).status).toBe(404);
    expect((await get('/assets')).status).toBe(200); // a directory: no extension, so the page
    const page = await get('/stations');
    expect(page.status).toBe(200);
    expect(page.body.toString()).toBe(INDEX);
  });

  it('refuses a way out of the root and an undecodable path', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const a = await get(path);
      expect(a.status).toBe(404);
      expect(a.body.toString()).not.toContain('not for the web');
    }
    expect((await get('/%E0%A4%A')).status).toBe(400);
  });

  it('without a build, the page is 503 with a hint', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'quantrac-static-empty-'));
    const files = createStaticFiles(empty);
    const s = createServer((req, res) => void files.serve(req, res, req.url ?? '/'));
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    const addr = s.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    s.close();
    await rm(empty, { recursive: true, force: true });
    expect(text).toContain('not built');
  });
});

describe('static negotiation parts', () => {
  it('chooses br, then gzip, honouring q=0 and *', () => {
    expect(chooseEncoding(undefined)).toBeUndefined();
    expect(chooseEncoding('')).toBeUndefined();
    expect(chooseEncoding('identity')).toBeUndefined();
    expect(chooseEncoding('gzip;q=1.0, br;q=0.1')).toBe('br');
    expect(chooseEncoding('GZIP')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0')).toBeUndefined();
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*, br;q=0')).toBe('gzip');
  });

  it('recognises hashed asset names only under assets/', () => {
    expect(cacheControlFor('assets/index-Bx3_k9Qa.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('assets/style-a1b2c3d4e5.css')).toBe(IMMUTABLE);
    expect(cacheControlFor('assets/logo.png')).toBe('no-cache');
    expect(cacheControlFor('index-Bx3_k9Qa.js')).toBe('no-cache');
    expect(cacheControlFor('index.html')).toBe('no-cache');
  });

  it('compares ETags weakly, in lists and with *', () => {
    expect(etagMatches('W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('*', 'W/"abc"')).toBe(true);
    expect(etagMatches('"abcd"', 'W/"abc"')).toBe(false);
    expect(etagMatches(undefined, 'W/"abc"')).toBe(false);
  });
});

describe('static cache bound', () => {
  it('holds no more than its bound, dropping the least recently used file', async () => {
    const d = await mkdtemp(join(tmpdir(), 'quantrac-static-bound-'));
    const names = ['a.png', 'b.png', 'c.png'];
    for (const n of names) await writeFile(join(d, n), Buffer.alloc(1000, 1));
    await writeFile(join(d, 'huge.png'), Buffer.alloc(5000, 1));
    const cache = createStaticCache(2500);
    for (const n of names) expect((await cache.get(join(d, n)))?.body.length).toBe(1000);
    expect(cache.bytes()).toBe(2000);
    expect((await cache.get(join(d, 'huge.png')))?.body.length).toBe(5000); // served, not kept
    expect(cache.bytes()).toBe(2000);
    expect(await cache.get(join(d, 'missing.png'))).toBeUndefined();
    await rm(d, { recursive: true, force: true });
  });
});
