// Reads vitest's JSON report and prints CI's closing line, `N passed, N failed`, so that it is never kinder than
// the run: a file that failed to load or whose set-up threw (vitest reports its tests as skipped) counts as one
// failure, a run that executed no test counts as one, and so does a non-zero exit the report does not explain.
// Usage: node .ci/count.mjs <report.json> <vitest exit code>; exits 1 whenever the failed count is not 0.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, exitArg] = process.argv.slice(2);
const vitestExit = Number(exitArg ?? 1);
const reasons = [];
let passed = 0;
let failed = 0;

if (!reportPath || !existsSync(reportPath)) {
  failed = 1;
  reasons.push(`no test report at ${reportPath ?? '(none given)'}: the test runner did not finish`);
} else {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  for (const file of report.testResults ?? []) {
    const failedInside = (file.assertionResults ?? []).some((test) => test.status === 'failed');
    if (file.status === 'failed' && !failedInside) {
      failed += 1;
      const why = String(file.message ?? '').split('\n')[0] || 'failed outside its tests';
      reasons.push(`${file.name}: ${why}`);
    }
  }
  if ((report.numTotalTests ?? 0) === 0) {
    failed += 1;
    reasons.push('no test was executed');
  }
}
if (vitestExit !== 0 && failed === 0) {
  failed = 1;
  reasons.push(`the test runner exited ${vitestExit} though its report shows no failed test (an unhandled error?)`);
}

for (const reason of reasons) console.log(`counted as failed: ${reason}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || vitestExit !== 0 ? 1 : 0;
