import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { manual } from '../src/checks/manual.js';
import { Engine } from '../src/engine.js';
import { CheckUnknownError } from '../src/errors.js';
import type { ChangeEvent, CheckSpec, Prober, RunRecord } from '../src/types.js';

const fast = { periodSeconds: 0.03, timeoutSeconds: 0.5 } as const;
const noJitter = () => 0;

/** A function check whose next results the test decides. */
function scripted(results: boolean[]): () => Promise<undefined> {
  return async () => {
    const ok = results.length > 1 ? results.shift() : results[0];
    if (!ok) throw new Error('scripted failure');
    return undefined;
  };
}

function collect<T>(engine: Engine, event: 'run' | 'change'): T[] {
  const seen: T[] = [];
  engine.on(event, (value: unknown) => seen.push(value as T));
  return seen;
}

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('engine', () => {
  it('reaches failing only at the failure threshold and emits changes only when state changes', async (t) => {
    const engine = new Engine({
      random: noJitter,
      checks: [{ name: 'db', check: scripted([true, false, false, true]), ...fast, failureThreshold: 2 }],
    });
    t.after(() => engine.stop());
    const changes = collect<ChangeEvent>(engine, 'change');
    const runs = collect<RunRecord>(engine, 'run');
    assert.equal(engine.snapshot().probes.readiness.status, 'fail', 'readiness starts failing');
    engine.start();
    await until(() => runs.length >= 6);
    const checkChanges = changes.filter((c) => c.type === 'check').map((c) => `${c.from}>${c.to}`);
    assert.deepEqual(checkChanges, ['unknown>passing', 'passing>failing', 'failing>passing']);
    const probeChanges = changes
      .filter((c) => c.type === 'probe' && c.probe === 'readiness')
      .map((c) => `${c.from}>${c.to}`);
    assert.deepEqual(probeChanges, ['fail>pass', 'pass>fail', 'fail>pass']);
    assert.deepEqual(
      runs.slice(0, 4).map((r) => r.result),
      ['success', 'failure', 'failure', 'success'],
    );
  });

  it('aborts a run past its timeout and counts it as a timeout', async (t) => {
    let aborted = false;
    const engine = new Engine({
      random: noJitter,
      checks: [
        {
          name: 'hang',
          periodSeconds: 10,
          timeoutSeconds: 0.05,
          check: (signal) =>
            new Promise(() => {
              signal.addEventListener('abort', () => {
                aborted = true;
              });
            }),
        },
      ],
    });
    t.after(() => engine.stop());
    const runs = collect<RunRecord>(engine, 'run');
    engine.start();
    await until(() => runs.length === 1);
    assert.equal(runs[0]?.result, 'timeout');
    assert.match(runs[0]?.output ?? '', /timeout/);
    assert.ok(aborted, 'the check saw its signal abort');
    assert.ok((runs[0]?.durationMs ?? 0) < 500);
  });

  // The contract: a run that takes longer fails as `timeout`. Its timer cannot fire while the check holds the
  // loop, and after a blocked loop node may fire a later timer (the check's own) before it.
  it('counts a run that ended past its timeout as a timeout, however it ended', async (t) => {
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const slow: Record<string, CheckSpec['check']> = {
      'sync-success': () => spin(150),
      'async-success': async () => {
        await null;
        spin(150);
      },
      'sync-failure': () => {
        spin(150);
        throw new Error('refused, late');
      },
    };
    const engine = new Engine({
      random: noJitter,
      checks: Object.entries(slow).map(([name, check]) => ({
        name,
        check,
        periodSeconds: 10,
        timeoutSeconds: 0.05,
        failureThreshold: 1,
      })),
    });
    t.after(() => engine.stop());
    const runs = collect<RunRecord>(engine, 'run');
    engine.start();
    await until(() => runs.length === 3);
    for (const run of runs) {
      assert.deepEqual([run.result, run.output], ['timeout', 'timeout: no answer within 50ms'], run.check);
      assert.ok(run.durationMs >= 150, `${run.check}: ${run.durationMs} ms`);
    }
  });

  it('never overlaps runs of one check, and caps concurrent runs globally', async (t) => {
    let running = 0;
    let peak = 0;
    const perCheck = new Map<string, number>();
    let perCheckPeak = 0;
    const slow = (name: string) => async () => {
      running++;
      perCheck.set(name, (perCheck.get(name) ?? 0) + 1);
      peak = Math.max(peak, running);
      perCheckPeak = Math.max(perCheckPeak, perCheck.get(name) ?? 0);
      await sleep(60);
      perCheck.set(name, (perCheck.get(name) ?? 1) - 1);
      running--;
      return undefined;
    };
    const checks: CheckSpec[] = Array.from({ length: 6 }, (_, i) => ({
      name: `c${i}`,
      check: slow(`c${i}`),
      periodSeconds: 0.02,
      timeoutSeconds: 1,
    }));
    const engine = new Engine({ random: noJitter, maxConcurrentRuns: 2, checks });
    t.after(() => engine.stop());
    const runs = collect<RunRecord>(engine, 'run');
    engine.start();
    await until(() => runs.length >= 12);
    assert.equal(perCheckPeak, 1, 'one check never runs twice at once');
    assert.equal(peak, 2, 'the global cap holds and is used');
  });

  it('waits initialDelaySeconds before the first run', async (t) => {
    const started = Date.now();
    let firstRunAt = 0;
    const engine = new Engine({
      random: noJitter,
      checks: [
        {
          name: 'late',
          initialDelaySeconds: 0.2,
          periodSeconds: 10,
          check: async () => {
            firstRunAt ||= Date.now();
            return undefined;
          },
        },
      ],
    });
    t.after(() => engine.stop());
    engine.start();
    await until(() => firstRunAt > 0);
    assert.ok(firstRunAt - started >= 195, `ran after ${firstRunAt - started} ms`);
  });

  it('counts a result older than period × failureThreshold + timeout as failing, and recovers', async (t) => {
    const engine = new Engine({
      random: noJitter,
      checks: [
        {
          name: 'db',
          check: async () => undefined,
          periodSeconds: 0.05,
          timeoutSeconds: 0.05,
          failureThreshold: 1,
        },
      ],
    });
    t.after(() => engine.stop());
    const changes = collect<ChangeEvent>(engine, 'change');
    engine.start();
    await until(() => engine.snapshot().probes.readiness.status === 'pass');
    const blockedUntil = Date.now() + 250; // the event loop is blocked: no run can finish
    while (Date.now() < blockedUntil) {}
    const stale = engine.snapshot();
    assert.equal(stale.probes.readiness.status, 'fail');
    assert.equal(stale.probes.liveness.status, 'pass', 'the check does not gate liveness');
    assert.equal(stale.checks[0]?.stale, true);
    assert.match(stale.checks[0]?.output ?? '', /^stale: no run finished in the last 0.1s/);
    await until(() => engine.snapshot().probes.readiness.status === 'pass');
    const checkChanges = changes.filter((c) => c.type === 'check').map((c) => c.to);
    assert.deepEqual(checkChanges, ['passing', 'stale', 'passing']);
  });

  it('latches startup and stops running a startup-only check after its first success', async (t) => {
    const results = [false, true, false];
    let runs = 0;
    const engine = new Engine({
      random: noJitter,
      checks: [
        {
          name: 'boot',
          probes: ['startup'],
          failureThreshold: 10,
          ...fast,
          check: async () => {
            runs++;
            if (!(results.shift() ?? false)) throw new Error('not yet');
            return undefined;
          },
        },
        { name: 'db', check: async () => undefined, ...fast },
      ],
    });
    t.after(() => engine.stop());
    engine.start();
    await until(() => engine.snapshot().probes.startup.status === 'pass');
    assert.equal(runs, 2);
    await sleep(150);
    assert.equal(runs, 2, 'no run after the latch');
    assert.equal(engine.snapshot().probes.startup.status, 'pass');
    assert.equal(engine.snapshot().probes.readiness.status, 'pass');
  });

  it('readiness fails with `starting` while startup has not passed', () => {
    const engine = new Engine({
      checks: [
        { name: 'boot', check: manual(), probes: ['startup'] },
        { name: 'db', check: manual() },
      ],
    });
    engine.report('db', true);
    assert.deepEqual(engine.snapshot().probes.readiness, { status: 'fail', reason: 'starting' });
    engine.report('boot', true);
    assert.deepEqual(engine.snapshot().probes.readiness, { status: 'pass' });
    engine.report('db', { ok: false, output: 'maintenance' });
    assert.equal(engine.snapshot().byName.get('db')?.output, 'maintenance');
    assert.equal(engine.snapshot().probes.readiness.status, 'fail');
  });

  it('a prober that says it is reported is never run nor stale, whatever its kind; others cannot be reported', async (t) => {
    let runs = 0;
    const switchboard: Prober = {
      kind: 'switchboard',
      target: 'switchboard',
      identity: 'switchboard',
      reported: true,
      run: async () => {
        runs++;
        return { ok: true };
      },
    };
    const engine = new Engine({
      random: noJitter,
      checks: [
        {
          name: 'switch',
          check: switchboard,
          periodSeconds: 0.02,
          timeoutSeconds: 0.02,
          failureThreshold: 1,
        },
        { name: 'db', check: async () => undefined, ...fast },
      ],
    });
    t.after(() => engine.stop());
    engine.start();
    engine.report('switch', { ok: true });
    await sleep(150);
    assert.equal(runs, 0, 'never scheduled');
    const snapshot = engine.snapshot();
    assert.deepEqual(
      [snapshot.byName.get('switch')?.condition, snapshot.byName.get('switch')?.stale],
      ['passing', false],
    );
    assert.throws(() => engine.report('db', true), /"db" is not a manual\(\) check/);
  });

  it('turns every misbehaviour of a function check into a failure with a reason', async (t) => {
    const bad: Record<string, CheckSpec['check']> = {
      sync: () => {
        throw new TypeError('boom');
      },
      rejects: () => Promise.reject(new Error('nope')),
      string: () => Promise.reject('plain string'),
      junk: (async () => 42) as unknown as CheckSpec['check'],
      late: async (signal) => {
        await sleep(200);
        signal.throwIfAborted();
        return undefined;
      },
    };
    const engine = new Engine({
      random: noJitter,
      checks: Object.entries(bad).map(([name, check]) => ({
        name,
        check,
        periodSeconds: 10,
        timeoutSeconds: 0.05,
        failureThreshold: 1,
      })),
    });
    t.after(() => engine.stop());
    const runs = collect<RunRecord>(engine, 'run');
    engine.start();
    await until(() => runs.length === 5);
    const reasons = Object.fromEntries(runs.map((r) => [r.check, `${r.result}: ${r.output}`]));
    assert.deepEqual(reasons, {
      sync: 'failure: TypeError: boom',
      rejects: 'failure: nope',
      string: 'failure: threw plain string',
      junk: 'failure: check returned number; expected nothing or { observedValue }',
      late: 'timeout: timeout: no answer within 50ms',
    });
    await sleep(250); // the late check settles after its timeout: nothing unhandled, no second record
    assert.equal(runs.length, 5);
  });

  it('discards a run whose prober could not decide', async (t) => {
    const engine = new Engine({
      random: noJitter,
      checks: [
        {
          name: 'odd',
          ...fast,
          check: {
            kind: 'custom',
            target: 'custom',
            identity: 'custom',
            run: () => Promise.reject(new CheckUnknownError('bad environment')),
          },
        },
      ],
    });
    t.after(() => engine.stop());
    const runs = collect<RunRecord>(engine, 'run');
    engine.start();
    const keepAlive = setInterval(() => {}, 1000); // the engine's own timers are unref()ed
    const [discarded] = await once(engine, 'discarded');
    clearInterval(keepAlive);
    assert.equal(discarded.error.message, 'bad environment');
    assert.equal(runs.length, 0);
    assert.equal(engine.snapshot().checks[0]?.condition, 'unknown');
  });

  it('setChecks keeps the state of unchanged checks and refuses an invalid list whole', async (t) => {
    const same = async () => undefined;
    const engine = new Engine({
      random: noJitter,
      checks: [
        { name: 'keep', check: same, ...fast },
        { name: 'change', check: same, ...fast },
        { name: 'drop', check: same, ...fast },
      ],
    });
    t.after(() => engine.stop());
    const removed: string[] = [];
    engine.on('removed', (name) => removed.push(name));
    engine.start();
    await until(() => engine.snapshot().checks.every((c) => c.consecutiveSuccesses >= 3));
    assert.throws(() => engine.setChecks([{ name: 'keep', check: same, periodSeconds: -1 }]), {
      code: 'PROBEKIT_INVALID_CHECK',
    });
    assert.equal(engine.checks.length, 3, 'an invalid list changes nothing');
    const summary = engine.setChecks([
      { name: 'keep', check: same, ...fast },
      { name: 'change', check: same, ...fast, failureThreshold: 5 },
      { name: 'new', check: same, ...fast },
    ]);
    assert.deepEqual(summary, { added: ['change', 'new'], removed: ['drop'], kept: ['keep'] });
    assert.deepEqual(removed, ['drop']);
    const snapshot = engine.snapshot();
    assert.ok((snapshot.byName.get('keep')?.consecutiveSuccesses ?? 0) >= 3, 'kept its counters');
    assert.equal(snapshot.byName.get('change')?.consecutiveSuccesses, 0, 'a changed check starts afresh');
    await until(() => engine.snapshot().probes.readiness.status === 'pass');
  });

  it('redacts secrets from reasons', async (t) => {
    const engine = new Engine({
      random: noJitter,
      secrets: ['s3cr3t-token'],
      checks: [
        {
          name: 'api',
          ...fast,
          failureThreshold: 1,
          check: async () => {
            throw new Error('GET https://admin:hunter2@api.local/x?token=abc failed, header s3cr3t-token');
          },
        },
      ],
    });
    t.after(() => engine.stop());
    engine.start();
    await until(() => engine.snapshot().checks[0]?.lastRunAt !== undefined);
    const output = engine.snapshot().checks[0]?.output ?? '';
    assert.equal(output, 'GET https://***@api.local/x?token=*** failed, header ***');
  });

  it('leaves no timer, socket or child behind after stop(): the process exits by itself', async () => {
    const fixture = new URL('./fixtures/stop-exits.ts', import.meta.url).pathname;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], {
      timeout: 10_000,
    });
    assert.match(stdout, /stopped after \d+ runs/);
    assert.ok(Date.now() - started < 10_000);
  });
});

describe('secrets of the check kinds', () => {
  it('never shows an httpGet header value or an exec env value in a reason', async () => {
    const { httpGet, exec } = await import('../src/index.js');
    const header = httpGet({
      port: 1,
      httpHeaders: [{ name: 'Authorization', value: 'Bearer sentinel-7f3a' }],
    });
    const env = exec({
      command: ['sh', '-c', 'echo "token is $API_TOKEN"; exit 1'],
      env: { API_TOKEN: 'sentinel-9c2e' },
    });
    const engine = new Engine({
      random: () => 0,
      checks: [
        {
          name: 'header',
          check: { ...header, run: async () => ({ ok: false, output: 'server said: Bearer sentinel-7f3a' }) },
          periodSeconds: 10,
        },
        { name: 'env', check: env, periodSeconds: 10, timeoutSeconds: 5 },
      ],
    });
    engine.start();
    // Exec runs spawn processes: seconds on a loaded machine. What is judged here is the reasons, not time.
    await until(() => engine.snapshot().checks.every((c) => c.lastRunAt !== undefined), 15_000);
    await engine.stop();
    const outputs = engine.snapshot().checks.map((c) => c.output ?? '');
    assert.match(outputs[1] ?? '', /token is \*\*\*/);
    for (const output of outputs) assert.doesNotMatch(output, /sentinel/);
  });
});

describe('dispose', () => {
  it('is called for each prober on stop() and for a prober removed or replaced by setChecks()', async () => {
    const disposed: string[] = [];
    const prober = (id: string) => ({
      kind: 'custom',
      target: id,
      identity: id,
      run: async () => ({ ok: true }),
      dispose: () => disposed.push(id),
    });
    const kept = prober('kept');
    const engine = new Engine({
      checks: [
        { name: 'kept', check: kept },
        { name: 'gone', check: prober('gone') },
        { name: 'changed', check: prober('changed-v1') },
      ],
    });
    engine.start();
    engine.setChecks([
      { name: 'kept', check: kept },
      { name: 'changed', check: prober('changed-v2') },
    ]);
    assert.deepEqual(disposed.sort(), ['changed-v1', 'gone']);
    await engine.stop();
    assert.deepEqual(disposed.sort(), ['changed-v1', 'changed-v2', 'gone', 'kept']);
  });
});
