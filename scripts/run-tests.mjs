#!/usr/bin/env node
// Runs every *.test.ts of every package and of test/ with node's own test runner (TypeScript through tsx).
// Node 20's --test takes no globs, so the files are collected here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages/core/test', 'packages/sdk/test', 'packages/sidecar/test', 'test'];
const filter = process.argv.slice(2);

function collect(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = roots
  .flatMap((dir) => collect(join(root, dir)))
  .map((path) => relative(root, path))
  .filter((path) => filter.length === 0 || filter.some((f) => path.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`no test files matched ${filter.join(' ')}`);
  process.exit(1);
}

// These generate load themselves (wrk/autocannon, hundreds of targets or processes) or judge answers against
// a clock, so they run one at a time after the rest: side by side on 2 cores they starved each other (event
// loop lags of seconds) and failed for the machine's sake, not the code's.
const ALONE = [
  'test/reliability/flapping-load.test.ts',
  'test/reliability/reload-storm.test.ts',
  'test/reliability/exec.test.ts',
  'test/reliability/sigterm.test.ts',
  'test/reliability/slowloris.test.ts',
  'test/reliability/event-loop.test.ts',
  'test/reliability/history-memory.test.ts',
  'test/sidecar/demo.test.ts',
  'test/sidecar/fleet.test.ts',
  // npm ci, tsc and npm pack for 30-90 s: beside others it starved them.
  'test/sidecar/pack.test.ts',
];

// A renamed file would otherwise slip back among the others unnoticed.
const gone = ALONE.filter((file) => !existsSync(join(root, file)));
if (gone.length > 0) {
  console.error(`scripts/run-tests.mjs lists files that do not exist: ${gone.join(', ')}`);
  process.exit(1);
}

const run = (batch, concurrency) =>
  batch.length === 0
    ? 0
    : (spawnSync(
        process.execPath,
        ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...batch],
        { cwd: root, stdio: 'inherit' },
      ).status ?? 1);

const together = files.filter((file) => !ALONE.includes(file));
const alone = files.filter((file) => ALONE.includes(file));
const failed = [run(together, process.env.PROBEKIT_TEST_CONCURRENCY ?? '3'), run(alone, '1')].some(
  (status) => status !== 0,
);
if (together.length > 0 && alone.length > 0)
  console.log(
    `\n${together.length} files side by side, then ${alone.length} alone: ${failed ? 'FAILED' : 'all passed'}`,
  );
process.exit(failed ? 1 : 0);
