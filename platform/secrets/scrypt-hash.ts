import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * One hash format for every stored secret (gateway secrets, dashboard passwords):
 * `scrypt$N$r$p$salt$key` (base64url), self-describing so the cost can be raised later without
 * invalidating stored hashes. r = 8, p = 1 follow OWASP's password storage cheat sheet; N is
 * the caller's (MQTT_AUTH_SCRYPT_COST, DASHBOARD_SCRYPT_COST).
 */
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** A stored cost above this verifies nothing: a planted hash must not make one check cost gigabytes. */
const MAX_COST = 1 << 20;

export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/** Strings are NFC-normalised (a password typed on another keyboard still matches); bytes are taken as they are. */
const bytesOf = (secret: string | Buffer): Buffer => (typeof secret === 'string' ? Buffer.from(secret.normalize('NFC')) : secret);

function derive(secret: Buffer, salt: Buffer, { n, r, p }: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is too low above N = 2^14.
    scrypt(secret, salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** A new random secret of `bytes` random bytes, URL-safe, so it survives any configuration UI. */
export function generateSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** Hashes a secret with a fresh salt. `cost` is scrypt's N, a power of two, at least `minCost`. */
export async function hashSecret(secret: string | Buffer, cost: number, minCost = 2): Promise<string> {
  if (!Number.isInteger(Math.log2(cost)) || cost < minCost || cost > MAX_COST) {
    throw new RangeError(`scrypt cost must be a power of two from ${minCost} to ${MAX_COST}, got ${cost}`);
  }
  const salt = randomBytes(SALT_BYTES);
  const params = { n: cost, r: BLOCK_SIZE, p: PARALLELISM };
  const key = await derive(bytesOf(secret), salt, params);
  return ['scrypt', cost, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: string): ParsedHash | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((x) => Number.isSafeInteger(x) && x > 0) || n > MAX_COST) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length === 0 || key.length !== KEY_BYTES) return undefined;
  return { n, r, p, salt, key };
}

/** True when `encoded` is a hash this module can verify. */
export const isSecretHash = (encoded: string): boolean => parseHash(encoded) !== undefined;

/** Checks a secret against a stored hash in constant time; a malformed hash verifies nothing. */
export async function verifySecret(secret: string | Buffer, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const key = await derive(bytesOf(secret), parsed.salt, parsed);
  return timingSafeEqual(key, parsed.key);
}
