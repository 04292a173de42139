import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { it } from 'node:test';
import { promisify } from 'node:util';

it('a CommonJS app can require() @probekit/sdk and its subpaths (built ESM) without flags', async () => {
  const fixture = new URL('./fixtures/require-sdk.cjs', import.meta.url).pathname;
  // Plain node, no tsx: this is what a user's CommonJS app does.
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [fixture], { timeout: 15_000 });
  assert.match(stdout, /required @probekit\/sdk and its subpaths from CommonJS \(core \d+\.\d+\.\d+\)/);
  assert.doesNotMatch(stderr, /Error/);
});
