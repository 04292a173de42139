// One run of a prober under a timeout: whatever the prober does, this settles by the deadline.
import { getEventListeners } from 'node:events';
import { CheckUnknownError } from './errors.js';
import type { Outcome, Prober, RunResult } from './types.js';

/** How one run ended. `unknown`: the prober could not decide; the run is discarded. */
export type RunEnd =
  | { readonly result: RunResult; readonly outcome: Outcome; readonly durationMs: number }
  | { readonly result: 'unknown'; readonly error: CheckUnknownError; readonly durationMs: number }
  | { readonly result: 'cancelled'; readonly durationMs: number };

/** A run under way. `end` never rejects and settles by the deadline at the latest. */
export interface Run {
  readonly end: Promise<RunEnd>;
  /** Ends the run at once as `cancelled` and aborts the prober's signal; a no-op once it ended. */
  cancel(): void;
}

/**
 * Runs `prober` once. Past `timeoutMs` its signal is aborted and the run ends as `timeout` at
 * once, even if the prober never settles; `cancel` ends it as `cancelled` (the engine stopping).
 */
export async function runProber(prober: Prober, timeoutMs: number, cancel?: AbortSignal): Promise<RunEnd> {
  if (cancel?.aborted) return { result: 'cancelled', durationMs: 0 };
  const run = startRun(prober, timeoutMs);
  if (!cancel) return run.end;
  const onCancel = () => run.cancel();
  cancel.addEventListener('abort', onCancel, { once: true });
  try {
    return await run.end;
  } finally {
    cancel.removeEventListener('abort', onCancel);
  }
}

/**
 * Starts one run of `prober`, as `runProber` does, under `controller` (see `reusableController`).
 * The engine runs thousands a second: a run costs one timer and one promise, and adds no listener
 * to any EventTarget (slow in Node).
 */
export function startRun(prober: Prober, timeoutMs: number, controller = new AbortController()): Run {
  const started = performance.now();
  let resolve!: (end: RunEnd) => void;
  const end = new Promise<RunEnd>((settle) => {
    resolve = settle;
  });
  let open = true;
  // The first way to end wins; the prober is aborted after the result is decided, so it cannot change it.
  const finish = (build: (durationMs: number) => RunEnd, abort?: DOMException) => {
    if (!open) return;
    open = false;
    clearTimeout(timer);
    resolve(build(performance.now() - started));
    if (abort) controller.abort(abort);
  };
  const timedOut = (durationMs: number): RunEnd => ({
    result: 'timeout',
    outcome: { ok: false, output: `timeout: no answer within ${seconds(timeoutMs)}` },
    durationMs,
  });
  const timer = setTimeout(
    () => finish(timedOut, new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  // A run that took longer is a timeout however it ended: the timer cannot fire while the check holds the loop,
  // and after a blocked loop node fires expired timers list by list (one per delay), the check's own maybe first.
  const settled = (build: (durationMs: number) => RunEnd) =>
    finish((durationMs) => (durationMs > timeoutMs ? timedOut(durationMs) : build(durationMs)));
  // ATTENTION: a prober may reject long after the run ended; both handlers are attached, so that is never unhandled.
  invoke(prober, controller.signal).then(
    (outcome) => settled((durationMs) => ended(prober, outcome, durationMs)),
    (error: unknown) => settled((durationMs) => thrown(error, durationMs)),
  );
  return {
    end,
    cancel: () =>
      finish(
        (durationMs) => ({ result: 'cancelled', durationMs }),
        new DOMException('the engine stopped', 'AbortError'),
      ),
  };
}

/**
 * `last` again if it is as good as a fresh controller (never aborted, no listener left on its signal),
 * else a new one. Creating an AbortController costs a third of a run's engine overhead in Node 20.
 */
export function reusableController(last: AbortController | undefined): AbortController {
  if (last && !last.signal.aborted && getEventListeners(last.signal, 'abort').length === 0) return last;
  return new AbortController();
}

// A synchronous throw becomes a rejection, so the two are one case.
function invoke(prober: Prober, signal: AbortSignal): Promise<unknown> {
  try {
    return Promise.resolve(prober.run(signal));
  } catch (error) {
    return Promise.reject(error);
  }
}

function ended(prober: Prober, outcome: unknown, durationMs: number): RunEnd {
  if (typeof outcome !== 'object' || outcome === null || typeof (outcome as Outcome).ok !== 'boolean') {
    return {
      result: 'failure',
      outcome: { ok: false, output: `the ${prober.kind} check returned no outcome` },
      durationMs,
    };
  }
  const settled = outcome as Outcome;
  return { result: settled.ok ? 'success' : 'failure', outcome: settled, durationMs };
}

function thrown(error: unknown, durationMs: number): RunEnd {
  if (error instanceof CheckUnknownError) return { result: 'unknown', error, durationMs };
  return { result: 'failure', outcome: { ok: false, output: describeError(error) }, durationMs };
}

// Whatever was thrown, describing it must not throw in turn (a getter on `message` may).
function describeError(error: unknown): string {
  try {
    if (error instanceof Error)
      return error.message
        ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
        : error.name;
    return `threw ${typeof error === 'string' ? error : typeof error}`;
  } catch {
    return 'threw an error that could not be described';
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
