#!/usr/bin/env node
// Runs every *.test.ts of every package and of test/ with node's own test runner (TypeScript through tsx).
// Node 20's --test takes no globs, so the files are collected here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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

const concurrency = process.env.PROBEKIT_TEST_CONCURRENCY ?? '3';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
