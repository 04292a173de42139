// The error registry, its classes and docs/core.md's table kept in step, both ways.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import * as core from '../src/index.js';

const docs = readFileSync(new URL('../../../docs/core.md', import.meta.url), 'utf8');
const table = docs.slice(docs.indexOf('## Error codes'));
// `| code | class | when |` rows: code → the class documented for it.
const documented = new Map(
  [...table.matchAll(/^\| `(PROBEKIT_[A-Z_]+)` \| `(\w+)` \|/gm)].map((match) => [match[1], match[2]]),
);

const samples: Record<string, () => core.ProbekitError> = {
  InvalidCheckError: () => new core.InvalidCheckError('x', 'must be y', 1),
  DuplicateCheckError: () => new core.DuplicateCheckError('x'),
  CheckUnknownError: () => new core.CheckUnknownError('x'),
  UnknownCheckError: () => new core.UnknownCheckError('x', 'is not defined'),
  InvalidFleetError: () => new core.InvalidFleetError('fleet.sample', 'must be y', 0),
};

it('every code is documented, and every documented code exists', () => {
  assert.deepEqual([...documented.keys()].sort(), [...core.CORE_ERROR_CODES].sort());
});

it('every exported error class throws the code the docs give it, under its own name', () => {
  const classes = Object.values(core).filter(
    (value): value is typeof core.ProbekitError =>
      typeof value === 'function' && value.prototype instanceof core.ProbekitError,
  );
  assert.deepEqual(classes.map((cls) => cls.name).sort(), [...documented.values()].sort());
  for (const cls of classes) {
    const make = samples[cls.name];
    assert.ok(make, `a sample for ${cls.name}`);
    const error = make();
    assert.ok(error instanceof cls);
    assert.equal(error.name, cls.name);
    assert.equal(documented.get(error.code), cls.name, `${error.code} is documented as ${cls.name}`);
  }
});
