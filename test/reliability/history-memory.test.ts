// Memory stays bounded with history: 1,000 checks, each failing every other run with a reason of its own (the worst
// case: no two reasons alike), run for a while — the heap after a full GC is flat once every history is full.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type CheckSpec, Engine, HISTORY_LENGTH } from '@probekit/core';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CHECKS = 1000;
const PERIOD_SECONDS = 0.1; // 10,000 runs a second; every history is full after 6.4 s

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('history memory', () => {
  it('is flat with 1,000 checks once their histories are full', async (t) => {
    let runs = 0;
    const checks: CheckSpec[] = Array.from({ length: CHECKS }, (_, index) => ({
      name: `check-${index}`,
      periodSeconds: PERIOD_SECONDS,
      failureThreshold: 2,
      check: () => {
        runs++;
        if (runs % 2 === 0) throw new Error(`connect ECONNREFUSED 127.0.0.1:${runs} (attempt ${runs})`);
      },
    }));
    const engine = new Engine({ checks });
    t.after(() => engine.stop());
    engine.start();
    const full = () => engine.snapshot().checks.every((check) => check.history.length === HISTORY_LENGTH);
    const deadline = Date.now() + 30_000;
    while (!full()) {
      assert.ok(Date.now() < deadline, 'histories did not fill within 30 s');
      await sleep(250);
    }
    await sleep(1000);
    const before = heapAfterGc();
    const runsBefore = runs;
    await sleep(10_000);
    const after = heapAfterGc();
    const added = runs - runsBefore;
    // Unbounded, the ~50,000+ results of those seconds (each with its own reason) would add tens of MB.
    assert.ok(added > 20_000, `only ${added} runs in 10 s`);
    const growth = (after - before) / 1024 / 1024;
    assert.ok(
      growth < 4,
      `heap grew ${growth.toFixed(1)} MiB over ${added} runs (from ${(before / 1048576).toFixed(1)} MiB)`,
    );
    assert.ok(engine.snapshot().checks.every((check) => check.history.length === HISTORY_LENGTH));
  });
});
