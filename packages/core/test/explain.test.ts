import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { causes, isoSeconds, reasonOf, stateNote } from '../src/explain.js';
import { kindState } from '../src/state.js';
import type { CheckSnapshot, HealthStatus, ProbeKind } from '../src/types.js';
import { checkSnapshot, SINCE } from './snapshot.js';

describe('stateNote', () => {
  const table: [
    name: string,
    fields: Partial<CheckSnapshot>,
    status: HealthStatus,
    note: string | undefined,
  ][] = [
    ['passing, nothing to say', { consecutiveSuccesses: 5 }, 'pass', undefined],
    [
      'passing, begun to fail (the contract’s example)',
      { consecutiveFailures: 1 },
      'pass',
      '1 failure, 2 more to fail',
    ],
    ['passing, one short of failing', { consecutiveFailures: 2 }, 'pass', '2 failures, 1 more to fail'],
    [
      'failing (the contract’s example)',
      { condition: 'failing', consecutiveFailures: 3 },
      'fail',
      'failing since 2026-12-04T14:33:55Z, 3 in a row',
    ],
    [
      'failing, non-critical',
      { condition: 'failing', consecutiveFailures: 7, critical: false },
      'warn',
      'failing since 2026-12-04T14:33:55Z, 7 in a row',
    ],
    [
      'failing, recovering below its success threshold',
      { condition: 'failing', consecutiveSuccesses: 1, successThreshold: 3 },
      'fail',
      'failing since 2026-12-04T14:33:55Z, 1 success, 2 more to pass',
    ],
    ['stale', { stale: true, consecutiveSuccesses: 4 }, 'fail', 'failing since 2026-12-04T14:33:55Z'],
    [
      'before the first threshold, failing readiness',
      { condition: 'unknown', consecutiveFailures: 2 },
      'fail',
      'no success yet, 2 in a row',
    ],
    [
      'before the first threshold, passing liveness',
      { condition: 'unknown', consecutiveFailures: 1, probes: ['liveness'] },
      'pass',
      '1 failure, 2 more to fail',
    ],
    [
      'before the first success threshold',
      { condition: 'unknown', consecutiveSuccesses: 1, successThreshold: 2 },
      'fail',
      '1 success, 1 more to pass',
    ],
    ['no result yet', { condition: 'unknown', lastRunAt: undefined }, 'fail', undefined],
    [
      'a latched startup check passes whatever it finds later',
      { condition: 'failing', consecutiveFailures: 3 },
      'pass',
      undefined,
    ],
  ];
  for (const [name, fields, status, note] of table) {
    it(name, () => assert.equal(stateNote(checkSnapshot(fields), status), note));
  }
});

describe('reasonOf and isoSeconds', () => {
  it('says why a check without an output does not pass', () => {
    assert.equal(reasonOf(checkSnapshot({ output: 'exit code 1' }), 'readiness'), 'exit code 1');
    assert.equal(reasonOf(checkSnapshot({ lastRunAt: undefined }), 'readiness'), 'no result yet');
    assert.equal(reasonOf(checkSnapshot({ lastRunAt: undefined }), 'startup'), 'not started yet');
    assert.equal(reasonOf(checkSnapshot({}), 'readiness'), 'below its success threshold');
  });

  it('writes times to the second, in UTC', () => {
    assert.equal(isoSeconds(SINCE), '2026-12-04T14:33:55Z');
  });
});

describe('causes', () => {
  const passing = (name: string, fields: Partial<CheckSnapshot> = {}) => checkSnapshot({ name, ...fields });
  const failing = (name: string, fields: Partial<CheckSnapshot> = {}) =>
    checkSnapshot({ name, condition: 'failing', consecutiveFailures: 3, ...fields });
  const world = (checks: CheckSnapshot[]) => (kind: ProbeKind) => ({
    checks,
    state: kindState(checks, kind),
  });
  const between = (kind: ProbeKind, before: CheckSnapshot[], after: CheckSnapshot[]) =>
    causes(kind, world(before)(kind), world(after)(kind));

  it('names the checks newly failing when a kind fails, not those that already were', () => {
    const before = [passing('db'), failing('search', { critical: false }), passing('cache')];
    const after = [failing('db'), failing('search', { critical: false }), failing('cache')];
    assert.deepEqual(between('readiness', before, after), ['db', 'cache']);
  });

  it('names the checks that recovered, or were removed, when a kind passes again', () => {
    const before = [failing('db'), failing('cache'), passing('app')];
    assert.deepEqual(between('readiness', before, [passing('db'), passing('app')]), ['db', 'cache']);
  });

  it('names only the critical failure when a warning kind fails', () => {
    const before = [failing('search', { critical: false }), passing('db')];
    const after = [failing('search', { critical: false }), failing('db')];
    assert.deepEqual(between('readiness', before, after), ['db']);
  });

  it('names the startup checks when readiness stops waiting for startup', () => {
    const boot = { probes: ['startup'] as ProbeKind[] };
    const before = [
      checkSnapshot({ name: 'boot', condition: 'unknown', startupLatched: false, ...boot }),
      passing('db'),
    ];
    const after = [passing('boot', boot), passing('db')];
    assert.deepEqual(between('readiness', before, after), ['boot']);
  });

  it('leaves checks of other kinds out', () => {
    const before = [passing('db'), passing('heap', { probes: ['liveness'] })];
    const after = [failing('db'), failing('heap', { probes: ['liveness'] })];
    assert.deepEqual(between('liveness', before, after), ['heap']);
  });
});
