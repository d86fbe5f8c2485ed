// The audit log (docs/SECURITY.md, "Audit log"): its factory, options and handle, the admins'
// route, and the reading the `quantrac audit` command uses.
export { createAuditLog, type AuditLogHandle, type AuditLogOptions } from './audit-log.js';
export { auditRoutes, AUDIT_PATH, MAX_AUDIT_LIMIT } from './audit-routes.js';
export { queryAuditDir, type AuditFilter, type AuditQueryResult } from './audit-query.js';
export type { AuditRecord } from './audit-line.js';
export { cleanText } from './audit-line.js';
