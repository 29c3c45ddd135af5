#!/usr/bin/env node
// Sums vitest's JSON reports over every workspace package. The LAST line is the one CI reads:
//   tests: N passed, M failed
// and the line just before it counts what did not run (skipped and todo tests, per package), so
// a suite that quietly skips its tests is visible in the log instead of hidden in the total.
// A package that has a test script but wrote no report counts as one failure, so a crashed
// or skipped suite can never pass silently.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
let todo = 0;
const lines = [];
const notRun = [];
for (const group of ['packages', 'apps']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) {
    const pkgFile = join(dir, name, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    if (!pkg.scripts?.test) continue;
    const report = join(dir, name, '.vitest-result.json');
    if (!existsSync(report)) {
      failed += 1;
      lines.push(`  ${pkg.name}: no test report (the suite did not run or crashed)`);
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const p = r.numPassedTests ?? 0;
    // Suites that fail to load report no tests; count each as a failure.
    const f = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0) - countFailedFilesWithTests(r);
    // vitest's JSON report counts `it.skip`/`skipIf` as pending and `it.todo` as todo.
    const s = r.numPendingTests ?? 0;
    const t = r.numTodoTests ?? 0;
    passed += p;
    failed += f;
    skipped += s;
    todo += t;
    const extra = [s ? `${s} skipped` : '', t ? `${t} todo` : ''].filter(Boolean);
    lines.push(
      `  ${pkg.name}: ${p} passed, ${f} failed${extra.length ? `, ${extra.join(', ')}` : ''}`,
    );
    if (extra.length) notRun.push(`${pkg.name} ${extra.join(', ')}`);
  }
}

function countFailedFilesWithTests(r) {
  // numFailedTestSuites counts files with a failing test too; only keep those that failed
  // without any test result (import errors, syntax errors).
  return (r.testResults ?? []).filter(
    (t) => t.status === 'failed' && (t.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
}

console.log(lines.join('\n'));
console.log(
  `not run: ${skipped} skipped, ${todo} todo${notRun.length ? ` (${notRun.join('; ')})` : ''}`,
);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
