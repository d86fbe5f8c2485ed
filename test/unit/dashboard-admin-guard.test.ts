import { describe, expect, it } from 'vitest';
import { checkAdminChange } from '../../dashboard/server/admin-guard.js';
import type { User } from '../../dashboard/server/user-accounts.js';

const user = (name: string, role: User['role'], disabled = false): User => ({
  name,
  role,
  disabled,
  scope: ['country'],
  createdAt: '',
  updatedAt: '',
});
const code = (f: () => void): string => {
  try {
    f();
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('admin self-protection on names in their normal form', () => {
  const users = () => [user('admin', 'admin'), user('ops', 'operator')];

  it('refuses an admin disabling or demoting themselves under any spelling of the name', () => {
    for (const spelled of ['admin', ' Admin', 'ADMIN\t']) {
      expect(
        code(() => checkAdminChange('admin', spelled, { disabled: true }, users)),
        spelled,
      ).toBe('ERR_SELF');
      expect(
        code(() => checkAdminChange('admin', spelled, { role: 'viewer' }, users)),
        spelled,
      ).toBe('ERR_SELF');
    }
    expect(code(() => checkAdminChange('admin', ' Admin', { role: 'admin', disabled: false }, users))).toBe('ok');
  });

  it('refuses removing the last enabled admin, allows it while another remains', () => {
    // Another admin acting (e.g. one who was just demoted by the CLI) may not remove the last one.
    expect(code(() => checkAdminChange('root', ' ADMIN', { disabled: true }, users))).toBe('ERR_LAST_ADMIN');
    const two = () => [...users(), user('root', 'admin'), user('old', 'admin', true)];
    expect(code(() => checkAdminChange('root', 'admin', { disabled: true }, two))).toBe('ok');
    expect(code(() => checkAdminChange('admin', 'ops', { disabled: true }, users))).toBe('ok');
  });
});
