// Prints vitest's JSON report as the one summary line CI reads: "N passed, N failed".
// A test file that failed to load ran no test but counts as one failure; so does a failed lint
// (second argument: the number of failed checks that ran before the tests).
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
const failedBefore = Number(process.argv[3] ?? 0) || 0;
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.error(`no test report at ${file}`);
  console.log(`0 passed, ${1 + failedBefore} failed`);
  process.exit(1);
}
const brokenFiles = report.testResults.filter(
  (s) => s.status === 'failed' && !s.assertionResults.some((a) => a.status === 'failed'),
).length;
const failed = report.numFailedTests + brokenFiles + failedBefore;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed > 0 || report.numPassedTests === 0) process.exit(1);
