// A check's past, as the status store keeps it: `since` (its last change of state) and its last 64 results.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { manual } from '../src/checks/manual.js';
import { Engine } from '../src/engine.js';
import { HISTORY_LENGTH } from '../src/types.js';

describe('history', () => {
  it('keeps the last 64 results, newest first, each with its time, duration, outcome and reason', () => {
    const engine = new Engine({ checks: [{ name: 'db', check: manual() }] });
    const before = Date.now();
    for (let run = 1; run <= 70; run++) {
      engine.report('db', run % 10 === 0 ? { ok: false, output: `refused #${run}` } : { ok: true });
    }
    const { history } = engine.snapshot().byName.get('db')!;
    assert.equal(history.length, HISTORY_LENGTH);
    assert.deepEqual(history[0], {
      at: history[0]!.at,
      durationMs: 0,
      outcome: 'failure',
      reason: 'refused #70',
    });
    assert.equal(history[1]?.outcome, 'success');
    assert.equal(history[1]?.reason, undefined);
    assert.equal(history[10]?.reason, 'refused #60');
    assert.equal(history[60]?.reason, 'refused #10');
    assert.equal(history.at(-1)?.outcome, 'success', 'the oldest kept is run 7');
    assert.ok(history.every((entry, index) => index === 0 || entry.at <= history[index - 1]!.at));
    assert.ok(history.every((entry) => entry.at >= before && entry.at <= Date.now()));
  });

  it('gives each snapshot the history of its moment', () => {
    const engine = new Engine({ checks: [{ name: 'db', check: manual() }] });
    engine.report('db', true);
    const first = engine.snapshot();
    engine.report('db', false);
    assert.equal(first.byName.get('db')?.history.length, 1);
    assert.equal(engine.snapshot().byName.get('db')?.history.length, 2);
    assert.ok(Object.isFrozen(first.byName.get('db')?.history));
  });
});

describe('since', () => {
  it('is when the check was defined until its first change, then the time of each change of state', async () => {
    const defined = Date.now();
    const engine = new Engine({ checks: [{ name: 'db', check: manual() }] });
    const at = () => engine.snapshot().byName.get('db')!.since;
    assert.ok(at() >= defined && at() <= Date.now());
    await sleep(5);
    engine.report('db', true);
    const passing = at();
    assert.ok(passing > defined);
    await sleep(5);
    engine.report('db', true);
    assert.equal(at(), passing, 'another success changes nothing');
    engine.report('db', false);
    const failing = at();
    assert.ok(failing >= passing);
    assert.equal(engine.snapshot().byName.get('db')?.history[0]?.at, failing);
  });

  it('moves only when the threshold is crossed, not on each failure below it', async (t) => {
    let failuresToCome = 0;
    const engine = new Engine({
      checks: [
        {
          name: 'db',
          check: () => {
            if (failuresToCome-- > 0) throw new Error('down');
          },
          periodSeconds: 0.05,
          failureThreshold: 3,
        },
      ],
      random: () => 0,
    });
    t.after(() => engine.stop());
    engine.start();
    const view = () => engine.snapshot().byName.get('db')!;
    await until(() => view().condition === 'passing');
    const passingSince = view().since;
    failuresToCome = 2;
    await until(
      () =>
        view().history.filter((entry) => entry.outcome === 'failure').length === 2 &&
        view().consecutiveSuccesses > 0,
    );
    assert.equal(view().since, passingSince, 'two failures of three, then a success: passing all along');
    failuresToCome = Number.POSITIVE_INFINITY;
    await until(() => view().condition === 'failing');
    const { since, history, consecutiveFailures } = view();
    assert.equal(since, history[consecutiveFailures - 3]?.at, 'since the third failure in a row');
  });

  it('dates a stale check from the moment its evidence expired', async (t) => {
    // One slot, taken by a slow check: the other never gets to run, and goes stale.
    const engine = new Engine({
      checks: [
        {
          name: 'slow',
          check: (signal) => sleep(3000, undefined, { signal }),
          periodSeconds: 5,
          timeoutSeconds: 4,
        },
        { name: 'db', check: () => undefined, periodSeconds: 0.1, failureThreshold: 1, timeoutSeconds: 0.1 },
      ],
      maxConcurrentRuns: 1,
      random: () => 0,
    });
    t.after(() => engine.stop());
    const started = Date.now();
    engine.start();
    await until(() => engine.snapshot().byName.get('db')!.stale);
    const { since } = engine.snapshot().byName.get('db')!;
    // Evidence was due at start; the bound is 0.1 × 1 + 0.1 s, plus a quarter period of tolerance.
    assert.ok(since >= started + 200, `since ${since - started} ms after start`);
    assert.ok(since <= Date.now());
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
