// One run of a prober outside the engine (probe, wait, check): core's runProber, with the reason redacted as the engine would.
import { type Prober, redact, runProber } from '@probekit/core';

export interface OnceResult {
  readonly ok: boolean;
  /** `unknown`: the prober could not decide; `cancelled`: `cancel` fired first. */
  readonly result: 'success' | 'failure' | 'timeout' | 'unknown' | 'cancelled';
  /** Why it failed, or the warning of a success; redacted and capped. */
  readonly reason: string | undefined;
  readonly durationMs: number;
}

/** Runs `prober` once under `timeoutMs`. */
export async function runOnce(
  prober: Prober,
  timeoutMs: number,
  secrets: readonly string[] = [],
  cancel?: AbortSignal,
): Promise<OnceResult> {
  const end = await runProber(prober, timeoutMs, cancel);
  const clean = (text: string | undefined) =>
    text === undefined ? undefined : redact(text, [...secrets, ...(prober.secrets ?? [])]);
  switch (end.result) {
    case 'cancelled':
      return { ok: false, result: 'cancelled', reason: 'cancelled', durationMs: end.durationMs };
    case 'unknown':
      return { ok: false, result: 'unknown', reason: clean(end.error.message), durationMs: end.durationMs };
    default:
      return {
        ok: end.outcome.ok,
        result: end.result,
        reason: clean(end.outcome.ok ? end.outcome.warning : end.outcome.output),
        durationMs: end.durationMs,
      };
  }
}
