import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { ContentCoding } from './static-negotiation.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Types worth compressing: text. Images (png, ico) are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map', '.txt']);
/** Below this a compressed answer saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 256;
/** The dist is a few hundred KB; this bounds the memory even if a build grows (raw + both codings). */
export const DEFAULT_STATIC_CACHE_BYTES = 32 * 1024 * 1024;

/** One built file, read and compressed once. */
export interface StaticEntry {
  body: Buffer;
  type: string;
  /** Weak: the same tag for every coding of the same bytes (RFC 9110 8.8.1). */
  etag: string;
  encoded: Partial<Record<ContentCoding, Buffer>>;
}

export interface StaticCache {
  /** The file's entry, or undefined when it is not a regular file (missing, a directory, unreadable). */
  get(file: string): Promise<StaticEntry | undefined>;
  /** Bytes held (raw and compressed), for tests and metrics. */
  bytes(): number;
}

/** The file's bytes in br and gzip, each kept only when it is smaller than the file. */
async function compress(body: Buffer, ext: string): Promise<StaticEntry['encoded']> {
  if (!COMPRESSIBLE.has(ext) || body.length < MIN_COMPRESS_BYTES) return {};
  const [br, gz] = await Promise.all([
    brotli(body, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }).catch(() => undefined),
    gzipAsync(body, { level: constants.Z_BEST_COMPRESSION }).catch(() => undefined),
  ]);
  const encoded: StaticEntry['encoded'] = {};
  if (br && br.length < body.length) encoded.br = br;
  if (gz && gz.length < body.length) encoded.gzip = gz;
  return encoded;
}

/** Reads and compresses one file (compression runs on libuv's pool, off the event loop). */
export async function loadStaticEntry(file: string): Promise<StaticEntry> {
  const body = await readFile(file);
  const ext = extname(file).toLowerCase();
  const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, type: TYPES[ext] ?? 'application/octet-stream', etag, encoded: await compress(body, ext) };
}

function costOf(entry: StaticEntry): number {
  return entry.body.length + (entry.encoded.br?.length ?? 0) + (entry.encoded.gzip?.length ?? 0);
}

interface Slot {
  version: string;
  entry: StaticEntry;
  cost: number;
}

/**
 * Built files kept in memory, compressed once, least recently used first out past `maxBytes`.
 * Each request stats the file, so a rebuild (new size or mtime) is read afresh; concurrent first
 * requests for one file share one read and compression. A file bigger than the whole bound is
 * served without being kept.
 */
export function createStaticCache(maxBytes = DEFAULT_STATIC_CACHE_BYTES): StaticCache {
  const slots = new Map<string, Slot>();
  const loading = new Map<string, Promise<StaticEntry>>();
  let held = 0;

  const drop = (file: string): void => {
    const slot = slots.get(file);
    if (!slot) return;
    held -= slot.cost;
    slots.delete(file);
  };

  const keep = (file: string, version: string, entry: StaticEntry): void => {
    drop(file);
    const cost = costOf(entry);
    if (cost > maxBytes) return;
    for (const [oldest] of slots) {
      if (held + cost <= maxBytes) break;
      drop(oldest);
    }
    slots.set(file, { version, entry, cost });
    held += cost;
  };

  const get = async (file: string): Promise<StaticEntry | undefined> => {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      drop(file);
      return undefined;
    }
    const version = `${info.size}:${info.mtimeMs}`;
    const slot = slots.get(file);
    if (slot?.version === version) {
      // Re-inserted so the Map's order is least recently used first.
      slots.delete(file);
      slots.set(file, slot);
      return slot.entry;
    }
    const key = `${file}\0${version}`;
    let pending = loading.get(key);
    if (!pending) {
      pending = loadStaticEntry(file).finally(() => loading.delete(key));
      loading.set(key, pending);
      pending.then((entry) => keep(file, version, entry)).catch(() => undefined);
    }
    return pending.catch(() => undefined);
  };

  return { get, bytes: () => held };
}
