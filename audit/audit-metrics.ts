import { Counter, Gauge, Registry } from 'prom-client';

/** The audit log's metrics (docs/OPERATIONS.md would list them); counters on `registry`, or on a private one when none is given. */
export interface AuditMetrics {
  count(kind: 'written' | 'writeErrors' | 'dropped' | 'badLines', n: number): void;
}

export function registerAuditMetrics(registry: Registry | undefined, queued: () => number): AuditMetrics {
  const registers = [registry ?? new Registry()];
  const counters = {
    written: new Counter({ name: 'quantrac_audit_entries_total', help: 'Audit entries written (fdatasync done)', registers }),
    writeErrors: new Counter({
      name: 'quantrac_audit_write_errors_total',
      help: 'Failed writes of the audit log (the entries are kept in memory and retried)',
      registers,
    }),
    dropped: new Counter({
      name: 'quantrac_audit_dropped_total',
      help: 'Audit entries dropped because writes kept failing and the in-memory queue was full',
      registers,
    }),
    badLines: new Counter({
      name: 'quantrac_audit_bad_lines_total',
      help: 'Lines of audit files skipped when reading because they do not parse (a torn tail)',
      registers,
    }),
  };
  new Gauge({
    name: 'quantrac_audit_queued',
    help: 'Audit entries waiting to be written',
    registers,
    collect() {
      this.set(queued());
    },
  });
  return { count: (kind, n) => counters[kind].inc(n) };
}
