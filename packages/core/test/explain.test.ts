import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoSeconds, reasonOf, stateNote } from '../src/explain.js';
import type { CheckSnapshot, HealthStatus } from '../src/types.js';

const SINCE = Date.parse('2026-12-04T14:33:55.123Z');

function check(fields: Partial<CheckSnapshot>): CheckSnapshot {
  return {
    name: 'db',
    kind: 'tcpSocket',
    target: 'tcp://127.0.0.1:5432',
    probes: ['readiness'],
    critical: true,
    componentType: 'component',
    scope: 'local',
    condition: 'passing',
    startupLatched: true,
    stale: false,
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
    successThreshold: 1,
    failureThreshold: 3,
    since: SINCE,
    history: [],
    lastRunAt: SINCE,
    ...fields,
  };
}

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
    it(name, () => assert.equal(stateNote(check(fields), status), note));
  }
});

describe('reasonOf and isoSeconds', () => {
  it('says why a check without an output does not pass', () => {
    assert.equal(reasonOf(check({ output: 'exit code 1' }), 'readiness'), 'exit code 1');
    assert.equal(reasonOf(check({ lastRunAt: undefined }), 'readiness'), 'no result yet');
    assert.equal(reasonOf(check({ lastRunAt: undefined }), 'startup'), 'not started yet');
    assert.equal(reasonOf(check({}), 'readiness'), 'below its success threshold');
  });

  it('writes times to the second, in UTC', () => {
    assert.equal(isoSeconds(SINCE), '2026-12-04T14:33:55Z');
  });
});
