import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Engine } from '@probekit/core';
import { runProber } from '@probekit/core/internal';
import { eventLoopDelay } from '../../src/checks/event-loop.js';
import { heapUsage } from '../../src/checks/heap.js';
import { waitFor } from './helpers.js';

function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('eventLoopDelay()', () => {
  test('the first run samples for 10 × resolutionMs, then passes with the delay in ms', async () => {
    const prober = eventLoopDelay({ resolutionMs: 20 });
    assert.equal(prober.kind, 'eventLoopDelay');
    assert.equal(prober.target, 'node:event-loop p99');
    assert.equal(prober.componentType, 'system');
    const first = await runProber(prober, 1000);
    assert.ok(first.result === 'success');
    assert.ok(first.durationMs >= 190, `warmed up for ~200 ms, took ${first.durationMs}`);
    assert.equal(first.outcome.observedUnit, 'ms');
    assert.equal(typeof first.outcome.observedValue, 'number');
    assert.ok((first.outcome.observedValue as number) >= 0);
    const second = await runProber(prober, 1000);
    assert.ok(second.durationMs < 190, `no warm-up once enabled, took ${second.durationMs}`);
  });

  test('a stall fails the run at p100; the histogram is reset, so the next run passes again', async () => {
    const prober = eventLoopDelay({ percentile: 100, maxMs: 100 });
    assert.equal((await runProber(prober, 1000)).result, 'success');
    await sleep(20);
    blockLoop(300);
    await sleep(30); // let the late tick be recorded
    const stalled = await runProber(prober, 1000);
    assert.ok(stalled.result === 'failure');
    assert.ok((stalled.outcome.observedValue as number) >= 250, `saw ${stalled.outcome.observedValue} ms`);
    assert.match(
      stalled.outcome.output ?? '',
      /^event loop delay p100 \d+(\.\d+)? ms is above 100 ms \(max \d+(\.\d+)? ms, \d+ samples in \d+ ms\)$/,
    );
    await sleep(50);
    assert.equal((await runProber(prober, 1000)).result, 'success');
  });

  test('dispose() disables the histogram, and a later run re-enables it', async () => {
    const prober = eventLoopDelay({ resolutionMs: 20 });
    await runProber(prober, 1000);
    const warm = await runProber(prober, 1000);
    assert.ok(warm.durationMs < 190, `an enabled histogram answers at once, took ${warm.durationMs}`);
    prober.dispose?.();
    const after = await runProber(prober, 1000);
    assert.ok(after.result === 'success');
    assert.ok(after.durationMs >= 190, `a disabled histogram warms up again, took ${after.durationMs}`);
  });

  test('in a real Engine: passes, and after stop() nothing keeps the process alive', async () => {
    const engine = new Engine({
      checks: [{ name: 'loop', check: eventLoopDelay(), periodSeconds: 0.2, timeoutSeconds: 0.5 }],
      random: () => 0,
    });
    engine.start();
    const result = await waitFor('a run', () => engine.snapshot().byName.get('loop')?.lastResult);
    assert.equal(result, 'success');
    await engine.stop();
  });

  test('a signal that fires while a fresh histogram warms up fails the run with the reason', async () => {
    const controller = new AbortController();
    const running = eventLoopDelay().run(controller.signal);
    controller.abort(new Error('timed out after 5 ms'));
    const outcome = await running;
    assert.deepEqual(outcome, { ok: false, output: 'event loop delay: timed out after 5 ms while sampling' });
  });

  test('invalid options are refused with their path', () => {
    for (const [options, path] of [
      [{ percentile: 0 }, 'eventLoopDelay.percentile'],
      [{ percentile: 101 }, 'eventLoopDelay.percentile'],
      [{ maxMs: -1 }, 'eventLoopDelay.maxMs'],
      [{ resolutionMs: 0.5 }, 'eventLoopDelay.resolutionMs'],
      [{ resolution: 10 }, 'eventLoopDelay.resolution'],
    ] as const) {
      assert.throws(() => eventLoopDelay(options as never), { code: 'PROBEKIT_INVALID_CHECK', path });
    }
  });
});

describe('heapUsage()', () => {
  test('passes under the limit with the used ratio', async () => {
    const prober = heapUsage();
    assert.equal(prober.kind, 'heapUsage');
    assert.equal(prober.target, 'node:heap');
    const end = await runProber(prober, 1000);
    assert.ok(end.result === 'success');
    assert.equal(end.outcome.observedUnit, 'ratio');
    const ratio = end.outcome.observedValue as number;
    assert.ok(ratio > 0 && ratio < 0.9, `ratio ${ratio}`);
  });

  test('fails above maxRatio with the sizes', async () => {
    const end = await runProber(heapUsage({ maxRatio: 0.001 }), 1000);
    assert.ok(end.result === 'failure');
    assert.match(
      end.outcome.output ?? '',
      /^heap \d+ MiB used of a \d+ MiB limit \(\d+(\.\d)?%\), above 0\.1%$/,
    );
  });

  test('invalid options are refused with their path', () => {
    for (const maxRatio of [0, 1.5, '0.5', Number.NaN]) {
      assert.throws(() => heapUsage({ maxRatio } as never), {
        code: 'PROBEKIT_INVALID_CHECK',
        path: 'heapUsage.maxRatio',
      });
    }
  });
});
