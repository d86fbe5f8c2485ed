import { fromLocalInput } from '../format-clock.js';

/** The actions the centre records (docs/SECURITY.md, "Audit log"), offered as the page's filter. */
export const AUDIT_ACTIONS = [
  'login',
  'login_failed',
  'logout',
  'user_add',
  'user_change',
  'gateway_add',
  'gateway_change',
  'alert_ack',
  'silence_add',
  'silence_remove',
  'export',
  'scope_refused',
] as const;

/** The filter form's values as typed: times as `datetime-local` values (UTC+7), empty for none. */
export interface AuditFilterForm {
  since: string;
  until: string;
  user: string;
  action: string;
}

/** The query of GET /api/audit for the form: only what is filled in, times as epoch ms, at most `limit` entries. */
export function auditQuery(form: AuditFilterForm, limit = 500): string {
  const q = new URLSearchParams();
  const since = form.since ? fromLocalInput(form.since) : undefined;
  const until = form.until ? fromLocalInput(form.until) : undefined;
  if (since !== undefined) q.set('since', String(since));
  if (until !== undefined) q.set('until', String(until));
  if (form.user.trim() !== '') q.set('user', form.user.trim());
  if ((AUDIT_ACTIONS as readonly string[]).includes(form.action)) q.set('action', form.action);
  q.set('limit', String(limit));
  return `/api/audit?${q.toString()}`;
}

/** An entry's detail as short text: `key=value` pairs. */
export function detailText(detail: Record<string, string | number | boolean> | undefined): string {
  return detail
    ? Object.entries(detail)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ')
    : '';
}
