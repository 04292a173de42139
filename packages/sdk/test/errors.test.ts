// The SDK's error registry, its classes and docs/sdk.md's table kept in step, both ways.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { CORE_ERROR_CODES, InvalidOptionError, ProbekitError, SDK_ERROR_CODES } from '../src/index.js';

const docs = readFileSync(new URL('../../../docs/sdk.md', import.meta.url), 'utf8');
const table = docs.slice(docs.indexOf('## Error codes'));

it('every SDK error code is documented, and every documented code exists', () => {
  const documented = [...table.matchAll(/^\| `(PROBEKIT_[A-Z_]+)` \|/gm)].map((match) => match[1]);
  assert.deepEqual(documented.sort(), [...SDK_ERROR_CODES].sort());
  for (const code of SDK_ERROR_CODES) assert.ok(!(CORE_ERROR_CODES as readonly string[]).includes(code));
});

it('InvalidOptionError carries its code, path and value, in the one message template', () => {
  const error = new InvalidOptionError('shutdown.graceSeconds', 'must be a number', -1);
  assert.ok(error instanceof ProbekitError);
  assert.equal(error.code, 'PROBEKIT_INVALID_OPTION');
  assert.equal(error.name, 'InvalidOptionError');
  assert.equal(error.path, 'shutdown.graceSeconds');
  assert.equal(error.value, -1);
  assert.equal(error.message, 'shutdown.graceSeconds: must be a number, got `-1` (number)');
});
