/**
 * The HTTP decisions for the page's built files, apart from any file or socket so each can be
 * tested alone: which encoding to send, how long a file may be cached, and whether a client's
 * copy is still current.
 */

/** The encodings the static files are kept in, in the server's order of preference. */
export type ContentCoding = 'br' | 'gzip';

const PREFERENCE: readonly ContentCoding[] = ['br', 'gzip'];

/** Parses `Accept-Encoding` into coding -> q; a coding listed with q=0 is refused (RFC 9110 12.5.3). */
function acceptedCodings(header: string): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) q = Number(m[1]);
    }
    accepted.set(name, Number.isFinite(q) ? q : 0);
  }
  return accepted;
}

/**
 * The coding to answer with: brotli when the client accepts it, else gzip, else none (the file
 * as it is). The server's preference wins over the client's q-values: both are accepted, and
 * brotli is the smaller of the two for the JS bundle.
 */
export function chooseEncoding(header: string | string[] | undefined): ContentCoding | undefined {
  if (header === undefined) return undefined;
  const accepted = acceptedCodings(Array.isArray(header) ? header.join(',') : header);
  const wildcard = accepted.get('*');
  for (const coding of PREFERENCE) {
    const q = accepted.get(coding) ?? wildcard ?? 0;
    if (q > 0) return coding;
  }
  return undefined;
}

/** Vite's hashed output: `assets/<name>-<hash>.<ext>`; its content never changes under that name. */
const HASHED_ASSET = /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Cache-Control for a file by its path below the build root: hashed assets are kept a year
 * (a new build gives new names); everything else, index.html above all, is revalidated on each
 * use (`no-cache` with its ETag), so a new build is seen at once.
 */
export function cacheControlFor(relativePath: string): string {
  return HASHED_ASSET.test(relativePath.replaceAll('\\', '/')) ? IMMUTABLE : 'no-cache';
}

/**
 * Whether `If-None-Match` names the current ETag (weak comparison, as RFC 9110 13.1.2 asks for
 * GET): a 304 then saves sending the file again.
 */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}
