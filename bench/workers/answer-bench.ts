// The answer() microbenchmark, pinned to the server core by the harness: 20 passing checks, answers per second
// from one snapshot (the cached path every probe request takes) and with a new snapshot per answer (a re-render,
// what happens once after every state change). Prints one JSON line: {variant: [answers/s per repetition]}.
import { answer, type CheckSpec, Engine, manual, type ProbeRequest, type Snapshot } from '@probekit/core';

const { ms, reps } = JSON.parse(process.argv[2] ?? '{}') as { ms: number; reps: number };

const checks: CheckSpec[] = Array.from({ length: 20 }, (_, i) => ({
  name: `dependency-${i}`,
  check: manual(),
}));
const engine = new Engine({ checks });
for (const check of checks) engine.report(check.name, { ok: true, observedValue: 1.25, observedUnit: 'ms' });
const snapshot = engine.snapshot();

const requests: Record<string, ProbeRequest> = {
  plain: { method: 'GET', url: '/readyz' },
  verbose: { method: 'GET', url: '/readyz?verbose' },
  json: { method: 'GET', url: '/readyz', accept: 'application/health+json' },
};

/** Answers per second for `ms`, checking every answer is a 200 so that nothing is optimised away. */
function measure(request: ProbeRequest, next: () => Snapshot): number {
  const start = performance.now();
  let answers = 0;
  let bad = 0;
  do {
    for (let i = 0; i < 1000; i++) {
      if (answer(next(), request)?.status !== 200) bad++;
    }
    answers += 1000;
  } while (performance.now() - start < ms);
  if (bad > 0) throw new Error(`${bad} answers were not 200`);
  return answers / ((performance.now() - start) / 1000);
}

const cached = () => snapshot;
// A fresh object is a new cache key: every answer renders, as the first request after a change does.
const fresh = () => ({ ...snapshot });
const results: Record<string, number[]> = {};
for (const [name, request] of Object.entries(requests)) {
  for (const [path, next] of [
    ['cached', cached],
    ['render', fresh],
  ] as const) {
    measure(request, next); // warm-up: let the JIT settle before the measured repetitions
    results[`${path}-${name}`] = Array.from({ length: reps }, () => measure(request, next));
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
