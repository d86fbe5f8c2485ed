import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A secret check (scrypt): its verdict, or undefined when no check can start now (too many waiting). */
export type SecretCheck = (secret: Buffer, hash: string) => Promise<boolean> | undefined;

/** Checks a login's secret against an account's hash, remembering the last good one per account. */
export interface VerifiedSecrets {
  /** True or false, or 'busy' when the full check was needed and could not start. */
  check(account: string, hash: string, secret: Buffer): Promise<boolean | 'busy'>;
  /** Forgets the account's remembered secret (its hash changed, or it was disabled or removed). */
  forget(account: string): void;
}

/**
 * A reconnecting gateway should not pay scrypt every time: after one full check, an HMAC of
 * the secret under a per-process key stands in (the secret is 192 random bits, so this keeps
 * its strength); it counts only while the account's hash is the one it was checked against.
 * A remembered secret needs no full check, so it logs in even while checks are refused as busy.
 */
export function createVerifiedSecrets(fullCheck: SecretCheck): VerifiedSecrets {
  const macKey = randomBytes(32);
  const verified = new Map<string, { hash: string; mac: Buffer }>();
  const mac = (secret: Buffer): Buffer => createHmac('sha256', macKey).update(secret).digest();
  return {
    async check(account, hash, secret) {
      const cached = verified.get(account);
      if (cached && cached.hash === hash && timingSafeEqual(cached.mac, mac(secret))) return true;
      const checking = fullCheck(secret, hash);
      if (!checking) return 'busy';
      const ok = await checking;
      if (ok) verified.set(account, { hash, mac: mac(secret) });
      return ok;
    },
    forget: (account) => void verified.delete(account),
  };
}
