import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ProbekitError } from '@probekit/core';
import { ConfigError, SIDECAR_ERROR_CODES, UsageError } from '../src/errors.js';

describe('the sidecar’s error registry', () => {
  const instances = [
    new ConfigError('f.yaml', [{ path: 'checks[0].name', message: 'is required' }]),
    new UsageError('x', 'serve'),
  ];

  it('has one class per code, each a ProbekitError with its stable code', () => {
    assert.deepEqual(
      instances.map((error) => error.code),
      [...SIDECAR_ERROR_CODES],
    );
    for (const error of instances) assert.ok(error instanceof ProbekitError);
  });

  it('documents every code in docs/sidecar.md, and no other', () => {
    const docs = readFileSync(new URL('../../../docs/sidecar.md', import.meta.url), 'utf8');
    const documented = [...docs.matchAll(/^\| `(PROBEKIT_[A-Z_]+)` +\|/gm)].map((match) => match[1]);
    assert.deepEqual(documented, [...SIDECAR_ERROR_CODES]);
  });

  it('renders a ConfigError as the CLI prints it: every problem on its own line, with its path', () => {
    const error = new ConfigError('f.yaml', [
      { path: 'checks[0].name', message: 'is required' },
      { path: 'server.port', message: 'must be an integer 0-65535' },
    ]);
    assert.equal(
      error.message,
      'f.yaml is not valid (2 problems):\n  checks[0].name: is required\n  server.port: must be an integer 0-65535',
    );
  });
});
