// The head-to-head figure: a candidate and its baseline loaded at the same time on the same core, compared by
// server CPU time per request. Each repetition runs in two freshly started processes, and only them: with more
// servers alive on the core (even idle ones, once loaded), the scheduler favoured the earlier-started process of a
// pair by up to 30% on this VM; and one fresh pair can still land ×1.25 off the next, so every repetition is a new
// pair, started in alternating order, and the figure is their median.
import type { Environment, Server } from '../candidates.js';
import { isRunning, launch, type NotRunning } from './launch.js';
import { load } from './loadgen.js';
import { cpuTimes } from './proc.js';
import type { Settings } from './settings.js';

export interface Side {
  readonly server: Server;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** CPU µs per request of each side, per repetition. */
export interface PairResult {
  readonly candidateUs: number;
  readonly baselineUs: number;
}

/**
 * Runs `settings.reps` head-to-head repetitions, each in a freshly started pair (started in alternating order);
 * `{ reason }` when either cannot start. One pair measured again and again is not enough: the same two builds
 * measured ×1.33 in one pair and ×1.08 in the next on this VM, while repetitions inside a pair agree within 3%.
 */
export async function headToHead(
  candidate: Side,
  baseline: Side,
  env: Environment,
  settings: Settings,
): Promise<PairResult[] | NotRunning> {
  const results: PairResult[] = [];
  for (let rep = 0; rep < settings.reps; rep++) {
    const result = await onePair(candidate, baseline, env, settings, rep % 2 === 1);
    if ('reason' in result) return result;
    results.push(result);
  }
  return results;
}

async function onePair(
  candidate: Side,
  baseline: Side,
  env: Environment,
  settings: Settings,
  baselineFirst: boolean,
): Promise<PairResult | NotRunning> {
  const pathsOf = (side: Side) => [{ path: side.path, ...(side.headers && { headers: side.headers }) }];
  const start = (side: Side) => launch(side.server, env, pathsOf(side));
  const first = await start(baselineFirst ? baseline : candidate);
  const second = await start(baselineFirst ? candidate : baseline);
  const [c, b] = baselineFirst ? [second, first] : [first, second];
  try {
    if (!isRunning(c)) return c;
    if (!isRunning(b)) return b;
    const half = Math.max(1, settings.connections >> 1);
    const both = (seconds: number) =>
      Promise.all([
        load({
          url: c.url(candidate.path),
          seconds,
          connections: half,
          ...(candidate.headers && { headers: candidate.headers }),
        }),
        load({
          url: b.url(baseline.path),
          seconds,
          connections: half,
          ...(baseline.headers && { headers: baseline.headers }),
        }),
      ]);
    if (settings.warmupSeconds > 0) await both(settings.warmupSeconds);
    const c0 = cpuTimes(c.process.pid).self;
    const b0 = cpuTimes(b.process.pid).self;
    const [cLoad, bLoad] = await both(settings.loadSeconds);
    return {
      candidateUs: ((cpuTimes(c.process.pid).self - c0) * 1000) / cLoad.requests,
      baselineUs: ((cpuTimes(b.process.pid).self - b0) * 1000) / bLoad.requests,
    };
  } finally {
    if (isRunning(c)) await c.process.kill();
    if (isRunning(b)) await b.process.kill();
  }
}
