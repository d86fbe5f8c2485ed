import { HttpError } from '../../platform/index.js';
import type { User } from './user-accounts.js';
import { userNameKey, type Role } from './users-file.js';

export interface AccountChange {
  role?: Role | undefined;
  disabled?: boolean | undefined;
}

/** Whether the change takes a working admin's rights away: disabling, or a role below admin. */
const removesAdmin = (change: AccountChange): boolean => change.disabled === true || (change.role !== undefined && change.role !== 'admin');

/**
 * The checks that keep the centre administrable, on names in their one normal form
 * (users-file.ts `userNameKey`), so " Admin" is the admin: an admin may not disable or demote
 * themselves (409 ERR_SELF), and the last enabled admin may not lose the role (409 ERR_LAST_ADMIN).
 * `users` is read only when the change removes admin rights.
 */
export function checkAdminChange(actor: string, target: string, change: AccountChange, users: () => readonly User[]): void {
  if (!removesAdmin(change)) return;
  const key = userNameKey(target);
  if (key === userNameKey(actor)) throw new HttpError(409, 'ERR_SELF', 'an admin cannot disable or demote themselves');
  const admins = users().filter((u) => u.role === 'admin' && !u.disabled);
  if (admins.length > 0 && admins.every((u) => userNameKey(u.name) === key)) {
    throw new HttpError(409, 'ERR_LAST_ADMIN', 'the last admin cannot be disabled or demoted');
  }
}
