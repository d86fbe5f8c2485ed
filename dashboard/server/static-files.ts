import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { SECURITY_HEADERS } from '../../platform/index.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Serves the Vite build; unknown paths get index.html (client-side routes). */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    res.writeHead(400, SECURITY_HEADERS).end();
    return;
  }
  const clean = normalize(decoded).replace(/^([/\\])+/, '');
  const file = join(root, clean === '' ? 'index.html' : clean);
  if (!file.startsWith(root + sep) && file !== root) {
    res.writeHead(403, SECURITY_HEADERS).end();
    return;
  }
  for (const candidate of [file, join(root, 'index.html')]) {
    try {
      const body = await readFile(candidate);
      const type = TYPES[extname(candidate)] ?? 'application/octet-stream';
      const immutable = candidate.includes(`${sep}assets${sep}`);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': type,
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      res.end(body);
      return;
    } catch {
      // try the next candidate
    }
  }
  res
    .writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
    .end('The dashboard is not built: run `npm run build`.\n');
}
