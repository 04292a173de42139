// One run of a prober under a timeout: whatever the prober does, this settles by the deadline.
import { CheckUnknownError } from './errors.js';
import type { Outcome, Prober, RunResult } from './types.js';

/** How one run ended. `unknown`: the prober could not decide; the run is discarded. */
export type RunEnd =
  | { readonly result: RunResult; readonly outcome: Outcome; readonly durationMs: number }
  | { readonly result: 'unknown'; readonly error: CheckUnknownError; readonly durationMs: number }
  | { readonly result: 'cancelled'; readonly durationMs: number };

const TIMED_OUT = Symbol('timeout');

/**
 * Runs `prober` once. Past `timeoutMs` its signal is aborted and the run ends as `timeout` at
 * once, even if the prober never settles; `cancel` ends it as `cancelled` (the engine stopping).
 */
export async function runProber(prober: Prober, timeoutMs: number, cancel?: AbortSignal): Promise<RunEnd> {
  const started = performance.now();
  const controller = new AbortController();
  const elapsed = () => performance.now() - started;
  let timer: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;
  const deadline = new Promise<typeof TIMED_OUT | 'cancelled'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
      resolve(TIMED_OUT);
    }, timeoutMs);
    onCancel = () => {
      controller.abort(new DOMException('the engine stopped', 'AbortError'));
      resolve('cancelled');
    };
    if (cancel?.aborted) onCancel();
    else cancel?.addEventListener('abort', onCancel, { once: true });
  });
  const running = invoke(prober, controller.signal);
  // ATTENTION: a prober may reject long after we stopped waiting; that must never be unhandled.
  running.catch(() => {});
  try {
    const settled = await Promise.race([running, deadline]);
    if (settled === TIMED_OUT) {
      return {
        result: 'timeout',
        outcome: { ok: false, output: `timeout: no answer within ${seconds(timeoutMs)}` },
        durationMs: elapsed(),
      };
    }
    if (settled === 'cancelled') return { result: 'cancelled', durationMs: elapsed() };
    return { result: settled.ok ? 'success' : 'failure', outcome: settled, durationMs: elapsed() };
  } catch (error) {
    if (error instanceof CheckUnknownError) return { result: 'unknown', error, durationMs: elapsed() };
    return { result: 'failure', outcome: { ok: false, output: describeError(error) }, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
    if (onCancel) cancel?.removeEventListener('abort', onCancel);
  }
}

// A synchronous throw becomes a rejection, so the two are one case.
async function invoke(prober: Prober, signal: AbortSignal): Promise<Outcome> {
  const outcome: unknown = await prober.run(signal);
  if (typeof outcome !== 'object' || outcome === null || typeof (outcome as Outcome).ok !== 'boolean') {
    return { ok: false, output: `the ${prober.kind} check returned no outcome` };
  }
  return outcome as Outcome;
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
