// Checks that misbehave every way a function can — throw, reject, hang, settle late, settle twice, return junk —
// in the engine and in an SDK app over a real socket: the endpoint keeps answering, each check fails with a
// clear reason, runs keep coming, and nothing they leave behind (promises, timers) piles up.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { answer, type CheckSpec, Engine, type Prober, type RunRecord } from '@probekit/core';
import { createHealth } from '@probekit/sdk';
import { listen } from '@probekit/sdk/node';
import { parseHealthJson, parseVerbose } from './support/answers.js';
import { activeResources } from './support/proc.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TIMEOUT_MS = 100;
// failureThreshold 3: a run that hangs to its timeout skips a tick, and the staleness bound
// (period × failureThreshold + timeout) must stay clear of that gap, or the reason would read `stale`.
const timing = { periodSeconds: 0.05, timeoutSeconds: TIMEOUT_MS / 1000, failureThreshold: 3 } as const;

/** A raw prober, so that the engine itself (not the function wrapper) meets what `run` does. */
function prober(run: (signal: AbortSignal) => unknown): Prober {
  return { kind: 'fault', target: 'fault', identity: run, run: run as Prober['run'] };
}

// Never-settling promises register here: if the engine kept them, they would never be collected.
let hung = 0;
let collected = 0;
const registry = new FinalizationRegistry<null>(() => {
  collected++;
});
function hang(): Promise<never> {
  const promise = new Promise<never>(() => {});
  registry.register(promise, null);
  hung++;
  return promise;
}

interface Fault {
  readonly name: string;
  readonly check: CheckSpec['check'];
  /** What the failing line must say. */
  readonly reason: RegExp;
}

const FAULTS: readonly Fault[] = [
  {
    name: 'sync-throw',
    check: () => {
      throw new Error('sync boom');
    },
    reason: /^sync boom$/,
  },
  {
    name: 'prober-sync-throw',
    check: prober(() => {
      throw new RangeError('prober boom');
    }),
    reason: /^RangeError: prober boom$/,
  },
  {
    name: 'rejects',
    check: async () => {
      throw new TypeError('async boom');
    },
    reason: /^TypeError: async boom$/,
  },
  { name: 'rejects-string', check: () => Promise.reject('plain words'), reason: /^threw plain words$/ },
  { name: 'rejects-undefined', check: () => Promise.reject(undefined), reason: /^threw undefined$/ },
  {
    name: 'throws-object',
    check: () => {
      throw { message: 'not an Error' };
    },
    reason: /^threw object$/,
  },
  { name: 'empty-error', check: () => Promise.reject(new Error('')), reason: /^Error$/ },
  { name: 'never-settles', check: prober(() => hang()), reason: /^timeout: no answer within 100ms$/ },
  { name: 'fn-never-settles', check: () => hang(), reason: /^timeout: no answer within 100ms$/ },
  { name: 'late-success', check: () => sleep(3 * TIMEOUT_MS), reason: /^timeout: no answer within 100ms$/ },
  {
    name: 'late-rejection',
    check: () =>
      sleep(1.5 * TIMEOUT_MS).then(() => {
        throw new Error('too late');
      }),
    reason: /^timeout: no answer within 100ms$/,
  },
  {
    // A thenable that settles, then settles again and rejects later: only the first settlement counts.
    name: 'settles-twice',
    check: prober(() => ({
      // biome-ignore lint/suspicious/noThenProperty: a hand-made thenable is the point
      then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
        resolve({ ok: false, output: 'first word' });
        reject(new Error('second word'));
        setTimeout(() => reject(new Error('much later')), 5);
      },
    })),
    reason: /^first word$/,
  },
  {
    name: 'returns-undefined',
    check: prober(() => Promise.resolve(undefined)),
    reason: /^the fault check returned no outcome$/,
  },
  {
    name: 'returns-string',
    check: prober(async () => 'ok'),
    reason: /^the fault check returned no outcome$/,
  },
  {
    name: 'returns-ok-string',
    check: prober(async () => ({ ok: 'yes' })),
    reason: /^the fault check returned no outcome$/,
  },
  {
    name: 'fn-returns-false',
    check: () => false as never,
    reason: /^check returned false; expected nothing or \{ observedValue \}$/,
  },
  { name: 'fn-returns-number', check: async () => 42 as never, reason: /^check returned number/ },
  {
    name: 'huge-output',
    check: prober(async () => ({ ok: false, output: 'x'.repeat(1_000_000) })),
    reason: /^x{255}…$/,
  },
  {
    // A reason cannot forge lines of the verbose answer.
    name: 'forged-lines',
    check: () => {
      throw new Error('no\n[+]forged-lines ok\r\nreadyz check passed\n');
    },
    reason: /^no \[\+\]forged-lines ok readyz check passed$/,
  },
] satisfies Fault[];

function engineWith(faults: readonly Fault[]): Engine {
  return new Engine({
    checks: [
      ...faults.map((fault) => ({ name: fault.name, check: fault.check, ...timing })),
      { name: 'healthy', check: () => undefined, ...timing, probes: ['liveness'] as const },
    ],
  });
}

async function until(condition: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

describe('faults in checks', () => {
  it('engine: every fault is a failure with a clear reason; runs keep coming; answers keep coming', async (t) => {
    const before = activeResources();
    const engine = engineWith(FAULTS);
    const runs = new Map<string, RunRecord[]>();
    engine.on('run', (run) => runs.set(run.check, [...(runs.get(run.check) ?? []), run]));
    const discarded: unknown[] = [];
    engine.on('discarded', (run) => discarded.push(run));
    engine.start();
    // A failed assertion must not leave the checks running: the file would never end. stop() is idempotent.
    t.after(() => engine.stop());

    // Six runs of each: a hanging check is still run again, on schedule, after each timeout.
    await until(() => FAULTS.every((fault) => (runs.get(fault.name)?.length ?? 0) >= 6), 'six runs of each');
    const snapshot = engine.snapshot();
    for (const fault of FAULTS) {
      const check = snapshot.byName.get(fault.name)!;
      assert.equal(check.condition, 'failing', fault.name);
      assert.match(check.output ?? '', fault.reason, fault.name);
      for (const run of runs.get(fault.name)!) {
        assert.notEqual(run.result, 'success', fault.name);
        // Whatever the check does, a run ends by its deadline (timer slack aside).
        assert.ok(run.durationMs < TIMEOUT_MS + 250, `${fault.name} took ${run.durationMs} ms`);
      }
    }
    assert.deepEqual(discarded, []);

    const verbose = answer(snapshot, { url: '/readyz?verbose' })!;
    const parsed = parseVerbose(verbose.status, verbose.body, 'readyz');
    assert.equal(verbose.status, 503);
    for (const fault of FAULTS) {
      assert.equal(parsed.checks.get(fault.name)?.mark, '-', fault.name);
      assert.match(parsed.checks.get(fault.name)?.reason ?? '', fault.reason, fault.name);
    }
    const json = answer(snapshot, { url: '/readyz', accept: 'application/health+json' })!;
    assert.equal(parseHealthJson(json.status, json.body).size, FAULTS.length);
    assert.equal(answer(engine.snapshot(), { url: '/livez' })!.status, 200, 'liveness is not affected');

    // Timers do not pile up: one schedule per check, plus what runs in flight hold.
    const during = activeResources();
    assert.ok(
      (during['Timeout'] ?? 0) <= (before['Timeout'] ?? 0) + 3 * (FAULTS.length + 1),
      `timers: ${JSON.stringify(during)}`,
    );

    const stopping = performance.now();
    await engine.stop();
    assert.ok(performance.now() - stopping < 2500, 'stop() waits at most 2 s for runs that never settle');

    // What hung is garbage once its run timed out: the engine keeps no reference to it.
    await sleep(3 * TIMEOUT_MS + 50);
    const deadline = performance.now() + 3000;
    while (collected < hung && performance.now() < deadline) {
      gc();
      await sleep(20);
    }
    assert.ok(hung >= 12, `${hung} hanging runs`);
    assert.equal(
      collected,
      hung,
      `${hung - collected} of ${hung} never-settling promises are still reachable`,
    );
    const after = activeResources();
    assert.ok((after['Timeout'] ?? 0) <= (before['Timeout'] ?? 0), `timers left: ${JSON.stringify(after)}`);
  });

  it('SDK over a real socket: /readyz answers at once with every reason, /livez stays up', async () => {
    const health = createHealth({
      checks: FAULTS.map((fault) => ({ name: fault.name, check: fault.check, ...timing })),
      shutdown: false,
    });
    const server: Server = await listen(health, { port: 0, host: '127.0.0.1' });
    try {
      const port = (server.address() as { port: number }).port;
      await until(
        () =>
          health.snapshot().checks.every((check) => check.condition === 'failing' || check.kind === 'manual'),
        'every fault failing',
      );
      for (let round = 0; round < 20; round++) {
        const started = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/readyz?verbose`);
        const body = await response.text();
        assert.ok(performance.now() - started < 1000, 'answered within the kubelet default timeout');
        const parsed = parseVerbose(response.status, body, 'readyz');
        // On a starved machine a run can finish late: `stale` is then the honest reason, and still a failure.
        for (const fault of FAULTS) {
          const reason = parsed.checks.get(fault.name)?.reason ?? '';
          if (!reason.startsWith('stale: ')) assert.match(reason, fault.reason);
        }
        assert.equal((await fetch(`http://127.0.0.1:${port}/livez`)).status, 200);
        await sleep(20);
      }
    } finally {
      await health.stop();
      server.close();
      await once(server, 'close');
    }
  });

  it('a check that throws an error whose message cannot be read is still a failure, not a crash', {}, () => {
    // In a child process: the failure mode is an unhandled rejection, which ends a process.
    const script = `
        import { Engine } from '@probekit/core';
        class Unreadable extends Error { get message() { throw new Error('getter'); } }
        const engine = new Engine({ checks: [{ name: 'unreadable', periodSeconds: 0.05, timeoutSeconds: 0.1,
          failureThreshold: 1, check: () => { throw new Unreadable(); } }] });
        engine.start();
        setTimeout(async () => {
          const check = engine.snapshot().byName.get('unreadable');
          await engine.stop();
          console.log(JSON.stringify({ condition: check.condition, output: check.output }));
        }, 400);
      `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(result.status, 0, result.stderr);
    const check = JSON.parse(result.stdout) as { condition: string; output: string };
    assert.equal(check.condition, 'failing');
    assert.doesNotMatch(check.output, /stale/);
  });
});
