import type { ServerResponse } from 'node:http';
import type { Logger } from '../core/index.js';
import { ReportRequestError } from './build-reports.js';
import { sendCsv, sendJson } from '../platform/index.js';

/**
 * Answers a report request: JSON, or `?format=csv` as a download. Shared by the inspectors'
 * reports and the open data; errors become JSON with a status, never a crash. `headers` go
 * with a success only (an error is never cached).
 */
export async function answerReport(
  res: ServerResponse,
  log: Logger,
  work: () => Promise<{ json: unknown; csv: () => string; filename: string }>,
  format: string | null,
  headers: Record<string, string> = {},
): Promise<void> {
  if (format !== null && format !== 'json' && format !== 'csv')
    return sendJson(res, 400, { error: 'format must be json or csv', code: 'ERR_BAD_REQUEST' });
  try {
    const out = await work();
    if (format === 'csv') return sendCsv(res, out.filename, out.csv(), headers);
    return sendJson(res, 200, out.json, headers);
  } catch (err) {
    if (err instanceof ReportRequestError) return sendJson(res, err.status, { error: err.message, code: err.code });
    log.error({ err }, 'report failed');
    return sendJson(res, 503, {
      error: 'the report could not be computed: the time-series database did not answer; try again shortly',
      code: 'ERR_REPORT_UNAVAILABLE',
    });
  }
}
