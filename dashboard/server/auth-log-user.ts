import { createHmac, randomBytes } from 'node:crypto';
import { userNameKey } from './users-file.js';

/** Per-process key: fingerprints match within a run, and cannot be checked against guesses offline. */
const FINGERPRINT_KEY = randomBytes(32);

/**
 * The user name of a failed or throttled login, in a form safe to log (OWASP logging cheat
 * sheet: never log passwords). A name typed into the user field may be a password typed into
 * the wrong field, so an unknown name is never logged: only its length and a keyed fingerprint
 * (an HMAC under a per-process key, so a log reader cannot test password guesses against it),
 * enough to see one name tried again and again. A known user's name is logged as it is.
 */
export function loggableUser(username: string, known: boolean): Record<string, string | number | boolean> {
  if (known) return { user: userNameKey(username), userKnown: true };
  return {
    userKnown: false,
    userLength: username.length,
    userFingerprint: createHmac('sha256', FINGERPRINT_KEY).update(username).digest('hex').slice(0, 12),
  };
}
