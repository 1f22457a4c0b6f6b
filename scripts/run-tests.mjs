#!/usr/bin/env node
// Runs vitest once and closes with the plain line `N passed, N failed[, N skipped]` that CI reads
// (vitest's own summary is not read). Extra arguments go to vitest: `npm test -- test/storage`.
// Exit code: vitest's; non-zero too when any test failed or no test ran at all.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', '.bin', 'vitest');
const outDir = mkdtempSync(join(tmpdir(), 'ra-vitest-'));
const jsonFile = join(outDir, 'results.json');

const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)];

const child = spawn(vitest, args, { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches vitest through the terminal's process group; do not die before printing the summary.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));

const { code, signal } = await new Promise((resolve) => {
  child.once('error', (error) => {
    console.error(`could not start vitest (${vitest}): ${error.message}`);
    resolve({ code: 127, signal: null });
  });
  child.once('exit', (c, s) => resolve({ code: c, signal: s }));
});

let passed = 0;
let failed = 0;
let skipped = 0;
let report;
try {
  if (existsSync(jsonFile)) report = JSON.parse(readFileSync(jsonFile, 'utf8'));
} catch (error) {
  console.error(`could not read vitest's JSON report: ${error.message}`);
}
rmSync(outDir, { recursive: true, force: true });

if (report) {
  for (const file of report.testResults ?? []) {
    let fileFailed = 0;
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'passed') passed++;
      else if (test.status === 'failed') fileFailed++;
      else skipped++; // skipped, pending, todo, disabled
    }
    // A file that failed without a failed test (import error, failing beforeAll/afterAll) counts once.
    if (file.status === 'failed' && fileFailed === 0) fileFailed = 1;
    failed += fileFailed;
  }
}

let exitCode = signal ? 1 : (code ?? 1);
if (exitCode !== 0 && failed === 0) {
  // No report, or a failure outside any test (global setup, unhandled error): still a failure.
  console.error(`vitest exited with ${signal ?? code} without a failed test in its report: counting 1 failed`);
  failed = 1;
}
if (passed + failed === 0) {
  console.error('no test ran');
  exitCode = 1;
}
if (failed > 0 && exitCode === 0) exitCode = 1;

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(exitCode);
