import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, auditQuery, detailText } from '../../dashboard/web/src/audit/audit-filter.js';
import { parseRoute, href } from '../../dashboard/web/src/router.js';
import { t } from '../../dashboard/web/src/i18n/index.js';

describe('audit page parts', () => {
  it('builds the query of GET /api/audit from the filter form: local times (UTC+7) as epoch ms, only what is filled in', () => {
    expect(auditQuery({ since: '', until: '', user: '', action: '' })).toBe('/api/audit?limit=500');
    const url = new URL(
      auditQuery({ since: '2026-12-01T07:00', until: '2026-12-02T00:00', user: ' lan ', action: 'export' }, 50),
      'http://x',
    );
    expect(url.pathname).toBe('/api/audit');
    expect(url.searchParams.get('since')).toBe(String(Date.parse('2026-12-01T00:00:00Z')));
    expect(url.searchParams.get('until')).toBe(String(Date.parse('2026-12-01T17:00:00Z')));
    expect(url.searchParams.get('user')).toBe('lan');
    expect(url.searchParams.get('action')).toBe('export');
    expect(url.searchParams.get('limit')).toBe('50');
    // A user name with & or = stays one parameter; an action the page does not know is left out.
    const odd = new URL(auditQuery({ since: '', until: '', user: 'a&action=login', action: 'drop' }), 'http://x');
    expect(odd.searchParams.getAll('user')).toEqual(['a&action=login']);
    expect(odd.searchParams.has('action')).toBe(false);
  });

  it('shows a detail as key=value pairs', () => {
    expect(detailText({ role: 'viewer', rows: 3, disabled: true })).toBe('role=viewer rows=3 disabled=true');
    expect(detailText(undefined)).toBe('');
  });

  it('has a route and a label for the audit page and each action in both languages', () => {
    expect(parseRoute(href.audit())).toEqual({ name: 'audit' });
    expect(t('nav_audit', {}, 'vi')).toBe('Nhật ký truy cập');
    expect(t('nav_audit', {}, 'en')).toBe('Audit log');
    for (const a of AUDIT_ACTIONS) {
      expect(t(`audit_${a}`, {}, 'vi')).not.toBe(t(`audit_${a}`, {}, 'en'));
      expect(t(`audit_${a}`, {}, 'en')).toMatch(/\w/);
    }
  });
});
