import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, relative, sep } from 'node:path';
import { SECURITY_HEADERS } from '../../platform/index.js';
import { createStaticCache, type StaticCache, type StaticEntry } from './static-cache.js';
import { cacheControlFor, chooseEncoding, etagMatches } from './static-negotiation.js';

export interface StaticFilesOptions {
  /** Bytes of built files (raw and compressed) kept in memory (default static-cache.ts's). */
  maxCacheBytes?: number;
  /** The security headers of the page's files (default SECURITY_HEADERS; a map tile server widens img-src). */
  securityHeaders?: Readonly<Record<string, string>>;
}

export interface StaticFiles {
  /** Answers a GET or HEAD for `urlPath` from the build. */
  serve(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void>;
}

type Resolved = { file: string } | { status: 400 | 403 };

/** The file a URL path names below `root`, refusing undecodable paths and any way out of the root. */
function resolvePath(root: string, urlPath: string): Resolved {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return { status: 400 };
  }
  if (decoded.includes('\0')) return { status: 400 };
  const clean = normalize(decoded).replace(/^([/\\])+/, '');
  const file = join(root, clean === '' ? 'index.html' : clean);
  if (!file.startsWith(root + sep) && file !== root) return { status: 403 };
  return { file };
}

/** Writes one file: encoded as the client accepts, 304 when its copy is current, no body for HEAD. */
function send(
  req: IncomingMessage,
  res: ServerResponse,
  entry: StaticEntry,
  cacheControl: string,
  security: Readonly<Record<string, string>>,
): void {
  const common = { ...security, 'cache-control': cacheControl, etag: entry.etag, vary: 'Accept-Encoding' };
  if (etagMatches(req.headers['if-none-match'], entry.etag)) {
    res.writeHead(304, common).end();
    return;
  }
  const coding = chooseEncoding(req.headers['accept-encoding']);
  const encoded = coding ? entry.encoded[coding] : undefined;
  const body = encoded ?? entry.body;
  res.writeHead(200, {
    ...common,
    'content-type': entry.type,
    'content-length': String(body.length),
    ...(encoded && coding ? { 'content-encoding': coding } : {}),
  });
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

/**
 * The page's Vite build (docs/ARCHITECTURE.md, dashboard): each file read and compressed once
 * (brotli preferred, then gzip) and kept in memory within a bound. Hashed assets are cached by
 * browsers for a year, index.html is revalidated by its ETag. A path without an extension gets
 * index.html; a missing file with one is 404 (a stale bundle name must not get HTML back); no
 * index.html at all means the page is not built (503).
 */
export function createStaticFiles(root: string, options: StaticFilesOptions = {}): StaticFiles {
  const cache: StaticCache = createStaticCache(options.maxCacheBytes);
  const index = join(root, 'index.html');
  const security = options.securityHeaders ?? SECURITY_HEADERS;

  const serve = async (req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> => {
    const resolved = resolvePath(root, urlPath);
    if ('status' in resolved) {
      res.writeHead(resolved.status, SECURITY_HEADERS).end();
      return;
    }
    const entry = await cache.get(resolved.file);
    if (entry) return send(req, res, entry, cacheControlFor(relative(root, resolved.file)), security);
    if (resolved.file !== index && extname(resolved.file) !== '') {
      res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const page = await cache.get(index);
    if (page) return send(req, res, page, 'no-cache', security);
    res
      .writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
      .end('The dashboard is not built: run `npm run build`.\n');
  };

  return { serve };
}
