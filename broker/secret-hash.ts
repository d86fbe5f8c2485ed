import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Gateway secrets are stored only as salted scrypt hashes (PROTOCOL.md, "Identity"), in a
 * self-describing form `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later
 * without invalidating existing secrets.
 */
export const DEFAULT_SCRYPT_COST = 16_384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** A new secret: 192 random bits, URL-safe, so it survives any gateway configuration UI. */
export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

function derive(secret: Buffer, salt: Buffer, n: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is too low above N = 2^14.
    scrypt(secret, salt, keyLength, { N: n, r, p, maxmem: 256 * n * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a secret with a fresh salt. `cost` is scrypt's N, a power of two. */
export async function hashSecret(secret: string | Buffer, cost = DEFAULT_SCRYPT_COST): Promise<string> {
  if (!Number.isInteger(Math.log2(cost)) || cost < 2) throw new RangeError(`scrypt cost must be a power of two, got ${cost}`);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(Buffer.from(secret), salt, cost, BLOCK_SIZE, PARALLELISM, KEY_BYTES);
  return ['scrypt', cost, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash { n: number; r: number; p: number; salt: Buffer; key: Buffer }

function parseHash(encoded: string): ParsedHash | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((x) => Number.isSafeInteger(x) && x > 0)) return undefined;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length === 0 || key.length === 0) return undefined;
  return { n, r, p, salt, key };
}

/** True when `encoded` is a hash this module can verify. */
export const isSecretHash = (encoded: string): boolean => parseHash(encoded) !== undefined;

/**
 * Checks a secret against a stored hash in constant time (`timingSafeEqual` on equal-length
 * keys). A malformed hash verifies nothing.
 */
export async function verifySecret(secret: Buffer, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const key = await derive(secret, parsed.salt, parsed.n, parsed.r, parsed.p, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}
