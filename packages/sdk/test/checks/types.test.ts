// Type test: the checks' structural parameter types accept the real clients (pg, mysql2, ioredis, redis, amqplib, nats).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const fixture = fileURLToPath(new URL('./fixtures/peer-types.ts', import.meta.url));

test('the real client types satisfy the checks, and mistakes do not compile', () => {
  const flags = ['--noEmit', '--strict', '--exactOptionalPropertyTypes', '--noUncheckedIndexedAccess'];
  const module = [
    '--verbatimModuleSyntax',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
  ];
  const result = spawnSync(
    process.execPath,
    [tsc, ...flags, ...module, '--skipLibCheck', '--types', 'node', fixture],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
