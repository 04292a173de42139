// Keeps the error registry, the docs and the version honest.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as core from '../src/index.js';

describe('package', () => {
  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(core.VERSION, pkg.version);
  });

  it('every error class has a registered, documented, stable code', () => {
    const docs = readFileSync(new URL('../../../docs/core.md', import.meta.url), 'utf8');
    const classes = Object.values(core).filter(
      (value): value is typeof core.ProbekitError =>
        typeof value === 'function' && value.prototype instanceof core.ProbekitError,
    );
    assert.ok(classes.length >= 4);
    const codes = new Set<string>();
    const samples: Record<string, () => core.ProbekitError> = {
      InvalidCheckError: () => new core.InvalidCheckError('x', 'must be y', 1),
      DuplicateCheckError: () => new core.DuplicateCheckError('x'),
      CheckUnknownError: () => new core.CheckUnknownError('x'),
      UnknownCheckError: () => new core.UnknownCheckError('x', 'is not defined'),
    };
    for (const cls of classes) {
      const make = samples[cls.name];
      assert.ok(make, `a sample for ${cls.name}`);
      const error = make();
      assert.ok(error instanceof cls);
      assert.equal(error.name, cls.name);
      codes.add(error.code);
    }
    assert.deepEqual([...codes].sort(), [...core.CORE_ERROR_CODES].sort());
    for (const code of core.CORE_ERROR_CODES)
      assert.ok(docs.includes(`\`${code}\``), `${code} is documented in docs/core.md`);
  });
});
