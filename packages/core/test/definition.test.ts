import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECK_DEFAULTS, resolveCheck, resolveChecks, sameDefinition } from '../src/definition.js';
import type { CheckSpec } from '../src/types.js';

const check = async () => undefined;

describe('check definitions', () => {
  it('fills the kubelet defaults and freezes the result', () => {
    const resolved = resolveCheck({ name: 'db', check });
    assert.equal(resolved.periodSeconds, 10);
    assert.equal(resolved.timeoutSeconds, 1);
    assert.equal(resolved.initialDelaySeconds, 0);
    assert.equal(resolved.successThreshold, 1);
    assert.equal(resolved.failureThreshold, 3);
    assert.deepEqual(resolved.probes, ['readiness']);
    assert.equal(resolved.critical, true);
    assert.equal(resolved.prober.kind, 'function');
    assert.ok(Object.isFrozen(resolved));
    assert.equal(CHECK_DEFAULTS.periodSeconds, 10);
  });

  it('a check is local unless it says shared; shared gates readiness; a change of scope is a new definition', () => {
    assert.equal(resolveCheck({ name: 'db', check }).scope, 'local');
    const shared = resolveCheck({ name: 'db', check, scope: 'shared' });
    assert.equal(shared.scope, 'shared');
    assert.equal(
      sameDefinition(shared, resolveCheck({ name: 'db', check: shared.prober, scope: 'local' })),
      false,
    );
    assert.equal(
      sameDefinition(shared, resolveCheck({ name: 'db', check: shared.prober, scope: 'shared' })),
      true,
    );
  });

  it('accepts fractions of a second', () => {
    assert.equal(
      resolveCheck({ name: 'fast', check, periodSeconds: 0.5, timeoutSeconds: 0.25 }).periodSeconds,
      0.5,
    );
  });

  const invalid: [string, Partial<CheckSpec> & Record<string, unknown>, RegExp][] = [
    [
      'bad name',
      { name: 'Bad Name' },
      /^checks\[0\]\.name: must be 1-63 lowercase .* got `"Bad Name"` \(string\)$/,
    ],
    ['name too long', { name: 'a'.repeat(64) }, /^checks\[0\]\.name: /],
    ['name ending in -', { name: 'db-' }, /^checks\[0\]\.name: /],
    [
      'period 0',
      { periodSeconds: 0 },
      /^checks\[0\]\.periodSeconds: must be a positive number of seconds .* got `0` \(number\)$/,
    ],
    ['period negative', { periodSeconds: -1 }, /^checks\[0\]\.periodSeconds: .*`-1` \(number\)$/],
    [
      'period a string',
      { periodSeconds: '5' as unknown as number },
      /^checks\[0\]\.periodSeconds: .*`"5"` \(string\)$/,
    ],
    ['timeout NaN', { timeoutSeconds: Number.NaN }, /^checks\[0\]\.timeoutSeconds: /],
    [
      'delay negative',
      { initialDelaySeconds: -1 },
      /^checks\[0\]\.initialDelaySeconds: must be a number of seconds from 0/,
    ],
    [
      'threshold 0',
      { failureThreshold: 0 },
      /^checks\[0\]\.failureThreshold: must be an integer of at least 1, got `0` \(number\)$/,
    ],
    ['threshold fraction', { successThreshold: 1.5 }, /^checks\[0\]\.successThreshold: /],
    [
      'successThreshold on liveness',
      { successThreshold: 2, probes: ['liveness'] },
      /^checks\[0\]\.successThreshold: must be 1 for liveness and startup checks/,
    ],
    [
      'successThreshold on startup',
      { successThreshold: 2, probes: ['readiness', 'startup'] },
      /must be 1 for liveness and startup/,
    ],
    [
      'unknown probe kind',
      { probes: ['ready'] as never },
      /^checks\[0\]\.probes\[0\]: must be one of startup, liveness, readiness/,
    ],
    ['empty probes', { probes: [] }, /^checks\[0\]\.probes: must be a non-empty array/],
    [
      'critical not boolean',
      { critical: 'yes' as unknown as boolean },
      /^checks\[0\]\.critical: must be a boolean/,
    ],
    ['no check', { check: undefined as never }, /^checks\[0\]\.check: must be a function or a prober/],
    ['an unknown scope', { scope: 'global' as never }, /^checks\[0\]\.scope: must be 'local' or 'shared'/],
    [
      'a shared liveness check',
      { scope: 'shared', probes: ['readiness', 'liveness'] },
      /^checks\[0\]\.scope: must be local in liveness and startup checks \(a restart cannot fix a shared dependency\)/,
    ],
    [
      'a shared startup check',
      { scope: 'shared', probes: ['startup'] },
      /^checks\[0\]\.scope: must be local in liveness/,
    ],
    [
      'a typo in a field',
      { periodSecond: 5 },
      /^checks\[0\]\.periodSecond: is not an option \(did you mean periodSeconds\?\), got `"periodSecond"`/,
    ],
  ];
  for (const [label, patch, message] of invalid) {
    it(`refuses ${label} with a typed error naming the field and the value`, () => {
      assert.throws(
        () => resolveChecks([{ name: 'db', check, ...patch } as CheckSpec]),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'PROBEKIT_INVALID_CHECK');
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('refuses duplicate names', () => {
    assert.throws(
      () =>
        resolveChecks([
          { name: 'db', check },
          { name: 'db', check },
        ]),
      {
        code: 'PROBEKIT_DUPLICATE_CHECK',
        message: 'check name "db" is used more than once',
      },
    );
  });
});
