import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { it } from 'node:test';
import { promisify } from 'node:util';

it('a CommonJS app can require() @probekit/core (built ESM) without flags', async () => {
  const fixture = new URL('./fixtures/require-core.cjs', import.meta.url).pathname;
  // Plain node, no tsx: this is what a user's CommonJS app does.
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [fixture], { timeout: 10_000 });
  assert.match(stdout, /required @probekit\/core \d+\.\d+\.\d+ from CommonJS/);
  assert.doesNotMatch(stderr, /Error/);
});
