// When the first runs are spread: only when many checks start together (a thundering herd against shared
// targets); a few checks run at once, so that readiness is known as soon as they have run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Engine, FIRST_RUN_SPREAD_ABOVE } from '../src/engine.js';
import type { CheckSpec } from '../src/types.js';

/** An engine of `n` passing checks whose jitter source counts its calls and would put off each first run by ~10 s. */
function engineOf(n: number, extra: CheckSpec[] = []) {
  let draws = 0;
  const checks: CheckSpec[] = Array.from({ length: n }, (_, i) => ({
    name: `c${i}`,
    check: async () => {},
    periodSeconds: 10,
  }));
  const engine = new Engine({
    checks: [...checks, ...extra],
    random: () => {
      draws++;
      return 0.999;
    },
  });
  return { engine, draws: () => draws };
}

describe('first runs', () => {
  it(`run at once, unspread, for up to ${FIRST_RUN_SPREAD_ABOVE} checks`, async () => {
    const { engine, draws } = engineOf(10);
    const ran = new Set<string>();
    engine.on('run', (run) => ran.add(run.check));
    engine.start();
    try {
      // With a jitter of 0.999 × min(10 s, 1 s) no check would have run by the time all ten have.
      await new Promise<void>((resolve) => {
        engine.on('run', () => ran.size === 10 && resolve());
      });
      assert.equal(draws(), 0);
      assert.equal(engine.snapshot().probes.readiness.status, 'pass');
    } finally {
      await engine.stop();
    }
  });

  it(`are spread over up to one period (at most 1 s) above ${FIRST_RUN_SPREAD_ABOVE} checks`, async () => {
    const { engine, draws } = engineOf(FIRST_RUN_SPREAD_ABOVE + 1);
    engine.start();
    try {
      assert.equal(draws(), FIRST_RUN_SPREAD_ABOVE + 1);
      assert.equal(engine.snapshot().probes.readiness.status, 'fail');
    } finally {
      await engine.stop();
    }
  });

  it('count the checks that run on a schedule, across a reload that adds some', async () => {
    const { engine, draws } = engineOf(FIRST_RUN_SPREAD_ABOVE);
    engine.start();
    try {
      assert.equal(draws(), 0);
      engine.setChecks([...engine.checks, { name: 'one-more', check: async () => {}, periodSeconds: 10 }]);
      assert.equal(draws(), 1, 'the check added past the threshold is spread');
    } finally {
      await engine.stop();
    }
  });
});
