// Many timed-out exec runs of a command that forks, as the engine would run them, then a count of what is left:
// processes (found by a marker in their argv), zombies, and this process's file descriptors. Shared by the fast
// test and `npm run soak`.
import { randomInt } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { exec } from '@probekit/core';
import { runProber } from '@probekit/core/internal';
import { fdCount, fdTargets, leftovers, type ProcessInfo, settle } from './proc.js';

export interface ChurnOptions {
  readonly runs: number;
  /** Runs at once: at most the engine's default cap of 32. */
  readonly parallel: number;
  /** @default 200 */
  readonly timeoutMs?: number;
}

export interface ChurnResult {
  readonly runs: number;
  /** Runs that did not end as `timeout`, with what they ended as. */
  readonly unexpected: readonly string[];
  /** The slowest run, in ms: bounded by the timeout whatever the command does… */
  readonly slowestMs: number;
  /** …plus what this process's event loop lagged (spawning forks, and a fork blocks the loop). */
  readonly maxLagMs: number;
  readonly leftoverProcesses: readonly ProcessInfo[];
  readonly fdsBefore: number;
  readonly fdsAfter: number;
  /** What the extra descriptors point at, when there are any. */
  readonly extraFds: readonly string[];
}

/** Runs `sh -c 'sleep N & sleep N'` `runs` times under a timeout, `parallel` at once, and counts what stays behind. */
export async function execChurn(options: ChurnOptions): Promise<ChurnResult> {
  const timeoutMs = options.timeoutMs ?? 200;
  // A fractional duration no other process uses: `sleep 61.123456` is the marker in every leftover's argv.
  const marker = `61.${randomInt(100_000, 999_999)}`;
  const prober = exec({ command: ['sh', '-c', `sleep ${marker} & sleep ${marker}`] });
  const once = async () => {
    const end = await runProber(prober, timeoutMs);
    return { result: end.result, durationMs: end.durationMs };
  };
  // A first run, given all the time it needs, sets up what node creates once (the SIGCHLD handler's pipe), so that
  // it is not counted as a leak. A run timing out before its command is spawned is its own test.
  await runProber(exec({ command: ['true'] }), 10_000);
  const fdsBefore = fdCount();
  const targetsBefore = fdTargets();
  const unexpected: string[] = [];
  let slowestMs = 0;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  for (let done = 0; done < options.runs; ) {
    const batch = Math.min(options.parallel, options.runs - done);
    const ends = await Promise.all(Array.from({ length: batch }, once));
    for (const end of ends) {
      if (end.result !== 'timeout') unexpected.push(end.result);
      slowestMs = Math.max(slowestMs, end.durationMs);
    }
    done += batch;
  }
  lag.disable();
  const leftoverProcesses = await settle(
    () => leftovers(marker),
    (left) => left.length === 0,
    5000,
  );
  const fdsAfter = await settle(
    () => fdCount(),
    (count) => count <= fdsBefore,
    5000,
  );
  const extraFds =
    fdsAfter > fdsBefore ? fdTargets().filter((target) => !targetsBefore.includes(target)) : [];
  return {
    runs: options.runs,
    unexpected,
    slowestMs,
    maxLagMs: lag.max / 1e6,
    leftoverProcesses,
    fdsBefore,
    fdsAfter,
    extraFds,
  };
}
