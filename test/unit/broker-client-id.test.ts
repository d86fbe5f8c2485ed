import { describe, expect, it } from 'vitest';
import { AccountSchema, ownsClientId } from '../../broker/index.js';

describe('broker client ids (PROTOCOL.md, "Identity")', () => {
  it('lets an account use its own id, or its id followed by ":" or "/" and anything', () => {
    expect(ownsClientId('BN-YENPHONG-F001-NT1', 'BN-YENPHONG-F001-NT1')).toBe(true);
    expect(ownsClientId('BN-YENPHONG-F001-NT1', 'BN-YENPHONG-F001-NT1:sim')).toBe(true);
    expect(ownsClientId('BN-YENPHONG-F001-NT1', 'BN-YENPHONG-F001-NT1/logger-2')).toBe(true);
    expect(ownsClientId('GW-YENPHONG-07', 'GW-YENPHONG-07:sim:BN-YENPHONG-F001-NT1')).toBe(true);
    expect(ownsClientId('ops', 'ops:1')).toBe(true);
  });

  it("refuses another account's ids, and any id another account could own", () => {
    expect(ownsClientId('STATION-AAA', 'STATION-BBB')).toBe(false);
    expect(ownsClientId('STATION-AAA', 'sim-STATION-AAA')).toBe(false);
    expect(ownsClientId('STATION-AAA', 'station-aaa')).toBe(false);
    expect(ownsClientId('STATION-AAA', 'STATION-AA')).toBe(false);
    expect(ownsClientId('STATION-AAA', '')).toBe(false);
    // `-`, `_` and `.` may be inside account ids: STATION-AAA-2 may be another account.
    for (const other of ['STATION-AAA-2', 'STATION-AAA_2', 'STATION-AAA.2', 'STATION-AAA2']) {
      expect(ownsClientId('STATION-AAA', other)).toBe(false);
      expect(ownsClientId(other, other)).toBe(true);
    }
  });

  it('uses separators no account id may contain, so a client id has at most one owner', () => {
    const account = (id: string): boolean =>
      AccountSchema.safeParse({
        id,
        role: 'subscriber',
        stations: [],
        disabled: false,
        hash: 'x',
        createdAt: '',
        updatedAt: '',
      }).error?.issues.some((i) => i.path[0] === 'id') !== true;
    expect(account('STATION-AAA-2')).toBe(true);
    expect(account('STATION-AAA:2')).toBe(false);
    expect(account('STATION-AAA/2')).toBe(false);
  });
});
