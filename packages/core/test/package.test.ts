// Keeps the error registry, the docs and the version honest.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
      InvalidFleetError: () => new core.InvalidFleetError('fleet.sample', 'must be y', 0),
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

  it('loads prom-client, node:https and node:http2 on first use, not on import', () => {
    // In a fresh process: this one has loaded them already. moduleLoadList lists the main thread's builtins.
    const script = `
      await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});
      const { createRequire } = await import('node:module');
      const builtins = process.moduleLoadList.filter((m) => /^NativeModule (https|http2|tls)$/.test(m));
      const packages = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/prom-client/'));
      console.log(JSON.stringify([...builtins, ...packages]));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(output), []);
  });
});
