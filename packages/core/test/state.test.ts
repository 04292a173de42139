import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyResult,
  checkStatus,
  INITIAL_THRESHOLD_STATE,
  kindState,
  passesFor,
  probeStates,
  type ThresholdState,
} from '../src/state.js';
import type { CheckSnapshot, ProbeKind } from '../src/types.js';

// Sequences of results (1 = success, 0 = failure) → what each probe kind reads after each result,
// as the kubelet's worker.go would: initial Failure for readiness, Success for liveness, startup latches.
const table: {
  name: string;
  success: number;
  failure: number;
  runs: string;
  expect: Record<ProbeKind, string>;
}[] = [
  {
    name: 'defaults, all good',
    success: 1,
    failure: 3,
    runs: '111',
    expect: { readiness: '111', liveness: '111', startup: '111' },
  },
  {
    name: 'first failures stay initial',
    success: 1,
    failure: 3,
    runs: '001',
    expect: { readiness: '001', liveness: '111', startup: '001' },
  },
  {
    name: 'fails at the third failure',
    success: 1,
    failure: 3,
    runs: '1000',
    expect: { readiness: '1110', liveness: '1110', startup: '1111' },
  },
  {
    name: 'a success resets the failure run',
    success: 1,
    failure: 3,
    runs: '1001000',
    expect: { readiness: '1111110', liveness: '1111110', startup: '1111111' },
  },
  {
    name: 'failureThreshold 1 flips at once',
    success: 1,
    failure: 1,
    runs: '0101',
    expect: { readiness: '0101', liveness: '0101', startup: '0111' },
  },
  {
    name: 'readiness needs successThreshold in a row',
    success: 3,
    failure: 1,
    runs: '1101110',
    expect: { readiness: '0000010', liveness: '', startup: '' },
  },
  {
    name: 'readiness recovers after 2',
    success: 2,
    failure: 2,
    runs: '00111',
    expect: { readiness: '00011', liveness: '', startup: '' },
  },
];

function conditionAfter(runs: string, success: number, failure: number): ThresholdState[] {
  const states: ThresholdState[] = [];
  let state = INITIAL_THRESHOLD_STATE;
  for (const run of runs) {
    state = applyResult(state, run === '1', { successThreshold: success, failureThreshold: failure });
    states.push(state);
  }
  return states;
}

describe('thresholds', () => {
  for (const row of table) {
    for (const probe of ['readiness', 'liveness', 'startup'] as const) {
      if (row.expect[probe] === '') continue; // successThreshold ≠ 1 is refused for liveness and startup
      it(`${row.name}: ${probe} ${row.runs} → ${row.expect[probe]}`, () => {
        const read = conditionAfter(row.runs, row.success, row.failure)
          .map((state) => (passesFor({ ...state, stale: false }, probe) ? '1' : '0'))
          .join('');
        assert.equal(read, row.expect[probe]);
      });
    }
  }

  it('counts consecutive successes and failures', () => {
    const states = conditionAfter('11000', 1, 3);
    assert.deepEqual(
      states.map((s) => [s.consecutiveSuccesses, s.consecutiveFailures]),
      [
        [1, 0],
        [2, 0],
        [0, 1],
        [0, 2],
        [0, 3],
      ],
    );
  });

  it('before any run: readiness and startup fail, liveness passes', () => {
    const fresh = { ...INITIAL_THRESHOLD_STATE, stale: false };
    assert.equal(passesFor(fresh, 'readiness'), false);
    assert.equal(passesFor(fresh, 'startup'), false);
    assert.equal(passesFor(fresh, 'liveness'), true);
  });

  it('a stale result fails every kind except a latched startup', () => {
    const passing = conditionAfter('1', 1, 3)[0]!;
    for (const probe of ['readiness', 'liveness'] as const)
      assert.equal(passesFor({ ...passing, stale: true }, probe), false);
    assert.equal(passesFor({ ...passing, stale: true }, 'startup'), true);
  });
});

function snap(name: string, probes: ProbeKind[], runs: string, critical = true): CheckSnapshot {
  const state = conditionAfter(runs, 1, 1).at(-1) ?? INITIAL_THRESHOLD_STATE;
  return {
    name,
    kind: 'function',
    target: 'function',
    probes,
    critical,
    componentType: 'component',
    scope: 'local',
    stale: false,
    successThreshold: 1,
    failureThreshold: 1,
    since: 0,
    history: [],
    ...state,
  };
}

describe('aggregation', () => {
  it('a kind with no checks passes', () => {
    assert.deepEqual(probeStates([]), {
      startup: { status: 'pass' },
      liveness: { status: 'pass' },
      readiness: { status: 'pass' },
    });
  });

  it('a failing non-critical check warns, a critical one fails', () => {
    assert.equal(
      probeStates([snap('a', ['readiness'], '1'), snap('b', ['readiness'], '0', false)]).readiness.status,
      'warn',
    );
    assert.equal(
      probeStates([snap('a', ['readiness'], '0'), snap('b', ['readiness'], '0', false)]).readiness.status,
      'fail',
    );
  });

  it('readiness fails with `starting` until startup passes, whatever its own checks say', () => {
    const checks = [snap('boot', ['startup'], ''), snap('db', ['readiness'], '1')];
    assert.deepEqual(probeStates(checks).readiness, { status: 'fail', reason: 'starting' });
    assert.equal(probeStates(checks).liveness.status, 'pass');
    const started = [snap('boot', ['startup'], '1'), snap('db', ['readiness'], '1')];
    assert.deepEqual(probeStates(started).readiness, { status: 'pass' });
  });

  it('one rule for a kind with checks left out, for every kind together, and for a check alone', () => {
    const checks = [snap('db', ['readiness'], '0'), snap('search', ['readiness'], '0', false)];
    assert.deepEqual(kindState(checks, 'readiness', new Set(['db'])), { status: 'warn' });
    assert.deepEqual(kindState(checks, 'all', new Set(['db', 'search'])), { status: 'pass' });
    const booting = [snap('boot', ['startup'], ''), ...checks];
    assert.deepEqual(kindState(booting, 'all', new Set(['boot'])), { status: 'fail', reason: 'starting' });
    assert.equal(checkStatus(snap('search', ['readiness'], '0', false), 'readiness'), 'warn');
    assert.equal(checkStatus(snap('search', ['readiness'], '0', false), 'readiness', true), 'fail');
    assert.equal(checkStatus(snap('app', ['readiness', 'liveness'], ''), 'all'), 'fail');
  });

  it('a shared check the fleet keeps ready is warn in readiness, and failing alone; a plain verdict fails', () => {
    const outage = {
      ...snap('db', ['readiness'], '0'),
      scope: 'shared' as const,
      fleet: {
        status: 'warn' as const,
        outage: true,
        reason: 'shared outage: failing on 3 of 4 members; kept ready',
      },
    };
    assert.deepEqual(probeStates([outage]).readiness, { status: 'warn' });
    assert.equal(checkStatus(outage, 'readiness', true), 'fail');
    const own = { ...outage, fleet: { status: 'fail' as const, note: 'not an outage' } };
    assert.deepEqual(probeStates([own]).readiness, { status: 'fail' });
  });

  it('a check gating two kinds is read by each kind’s own rule', () => {
    const both = [snap('app', ['readiness', 'liveness'], '')];
    assert.equal(probeStates(both).readiness.status, 'fail');
    assert.equal(probeStates(both).liveness.status, 'pass');
  });
});
