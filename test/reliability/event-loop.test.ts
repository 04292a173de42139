// A blocked event loop: no run can finish while it is blocked, so once it is free again the evidence is older
// than the staleness bound (periodSeconds × failureThreshold + timeoutSeconds) and the answer must say `stale`
// (503 on readiness) until a run finishes — never the old 200. A block shorter than the bound changes nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { answer, Engine } from '@probekit/core';
import { ROOT } from '../sidecar/helpers.js';
import { parseVerbose } from './support/answers.js';

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // blocked
  }
}

async function until(condition: () => boolean, ms: number): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await sleep(5);
  }
  return performance.now() - started;
}

describe('a blocked event loop', () => {
  it('engine: stale right after a block longer than the bound, fresh again after the next run', async (t) => {
    // Bound: 0.2 × 2 + 0.2 = 0.6 s.
    const engine = new Engine({
      checks: [
        {
          name: 'quick',
          check: () => undefined,
          periodSeconds: 0.2,
          timeoutSeconds: 0.2,
          failureThreshold: 2,
        },
      ],
    });
    t.after(() => engine.stop());
    engine.start();
    await until(() => engine.snapshot().byName.get('quick')?.condition === 'passing', 3000);

    spin(200);
    const short = engine.snapshot();
    assert.equal(short.byName.get('quick')?.stale, false, 'a block shorter than the bound is not stale');
    assert.equal(answer(short, { url: '/readyz' })?.status, 200);

    await sleep(250); // a run in between
    spin(1200);
    // Read before any timer can run: exactly what the first request after the block is answered from.
    const after = engine.snapshot();
    const quick = after.byName.get('quick')!;
    assert.equal(quick.stale, true);
    assert.equal(quick.condition, 'passing', 'the thresholds are untouched: it is the evidence that is old');
    assert.equal(quick.output, 'stale: no run finished in the last 0.6s');
    const verbose = answer(after, { url: '/readyz?verbose' })!;
    assert.equal(verbose.status, 503);
    const line = parseVerbose(verbose.status, verbose.body, 'readyz').checks.get('quick');
    assert.equal(line?.reason, 'stale: no run finished in the last 0.6s');
    // Stale: since when, but no count (no run finished, so the counters are old news).
    assert.deepEqual([typeof line?.tail?.since, line?.tail?.failures], ['string', undefined]);

    const recovery = await until(() => {
      const check = engine.snapshot().byName.get('quick')!;
      return !check.stale && check.condition === 'passing';
    }, 2000);
    t.diagnostic(`fresh again ${Math.round(recovery)} ms after the block`);
    assert.equal(answer(engine.snapshot(), { url: '/readyz' })?.status, 200);
  });

  it('SDK app: requests queued during a 3 s block are answered 503 stale, then 200 once a run finishes', async (t) => {
    const fixture = new URL('./fixtures/blocking-app.ts', import.meta.url).pathname;
    const app = spawn(process.execPath, ['--import', 'tsx', fixture], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    t.after(() => app.stdin.end());
    const lines = createInterface({ input: app.stdout });
    const [listening] = (await once(lines, 'line')) as [string];
    const base = `http://127.0.0.1:${/^listening (\d+)$/.exec(listening)?.[1]}`;
    for (;;) {
      if ((await fetch(`${base}/readyz`)).status === 200) break;
      await sleep(50);
    }
    const blocked = new Promise<[number, number]>((resolve) =>
      lines.once('line', (line) => {
        const [, from, to] = line.split(' ').map(Number);
        resolve([from!, to!]);
      }),
    );
    await fetch(`${base}/block?ms=3000`);

    // A kubelet-like poller: a fresh request every 50 ms, each recorded with when it was sent and answered.
    const answers: { sentAt: number; at: number; status: number; body: string }[] = [];
    let polling = true;
    const poller = (async () => {
      const pending: Promise<void>[] = [];
      while (polling) {
        const sentAt = Date.now();
        pending.push(
          fetch(`${base}/readyz?verbose`).then(async (response) => {
            answers.push({ sentAt, at: Date.now(), status: response.status, body: await response.text() });
          }),
        );
        await sleep(50);
      }
      await Promise.all(pending);
    })();
    const [from, to] = await blocked;
    await sleep(1500);
    polling = false;
    await poller;

    // Sent while the loop was blocked: answered only after it, from evidence 3 s old.
    const queued = answers.filter((a) => a.sentAt > from + 100 && a.sentAt < to - 100);
    assert.ok(queued.length >= 20, `${queued.length} requests were sent during the block`);
    for (const a of queued) {
      assert.ok(a.at >= to, 'nothing is answered while the loop is blocked');
      assert.equal(a.status, 503, a.body);
      assert.match(
        parseVerbose(a.status, a.body, 'readyz').checks.get('slow')?.reason ?? '',
        /^stale: no run finished in the last 1\.5s$/,
      );
    }
    // The run started after the block takes 300 ms: then the answers are fresh again.
    const late = answers.filter((a) => a.sentAt > to + 700);
    assert.ok(late.length > 5);
    for (const a of late) assert.equal(a.status, 200, a.body);
    const firstFresh = answers.find((a) => a.at >= to && a.status === 200);
    t.diagnostic(`first 200 answered ${firstFresh ? firstFresh.at - to : '?'} ms after the block ended`);
  });

  // The bound carries a tolerance of a quarter period (at most 250 ms): at failureThreshold 1 it would
  // otherwise equal the longest gap between two healthy runs, and any late timer would read stale.
  it('a healthy check at failureThreshold 1, runs near their timeout, rides out a hiccup below the tolerance', async (t) => {
    let n = 0;
    const engine = new Engine({
      checks: [
        {
          name: 'uneven',
          // Every run passes within its 400 ms timeout: alternately at once, and in 360 ms. After an instant
          // one, a 50 ms hiccup of the loop (a GC pause, a slow handler) delays the next start by ~45 ms, so
          // that run ends ~805 ms after the last: past period × failureThreshold + timeout, within the tolerance.
          check: async () => {
            if (n++ % 2) return sleep(360);
            setTimeout(() => spin(50), 395);
          },
          periodSeconds: 0.4,
          timeoutSeconds: 0.4,
          failureThreshold: 1,
        },
      ],
    });
    const changes: string[] = [];
    engine.on('change', (event) => {
      if (event.type === 'check') changes.push(`${event.from}>${event.to}`);
    });
    t.after(() => engine.stop());
    engine.start();
    const end = performance.now() + 3000;
    while (performance.now() < end) {
      engine.snapshot(); // what a probe request would read
      await sleep(2);
    }
    assert.deepEqual(changes, ['unknown>passing']);
  });
});
