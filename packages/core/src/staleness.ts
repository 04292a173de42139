// Staleness, the contract's rule that an answer is never more confident than its evidence: a result with no
// run finished for period × failureThreshold + timeout counts as failing, with the reason `stale`.
import type { CheckSnapshot, ResolvedCheck } from './types.js';

/**
 * A share of one period (of at most 1 s) added to the staleness bound. At failureThreshold 1 the
 * bound equals the longest gap between two healthy runs (one instant, the next taking its whole
 * timeout), so without it an ordinary late timer would read a healthy check as stale.
 */
const STALE_TOLERANCE = 0.25;

/** When a check's evidence expires. */
export interface Freshness {
  /** The contract's bound, period × failureThreshold + timeout, in ms. */
  readonly boundMs: number;
  /** Beyond this long without a finished run, the result is stale: the bound plus a scheduling tolerance. */
  readonly afterMs: number;
  /** Gates more than startup: it never stops running, so its evidence always expires. */
  readonly runsForever: boolean;
}

export function freshness(check: ResolvedCheck): Freshness {
  const boundMs = (check.periodSeconds * check.failureThreshold + check.timeoutSeconds) * 1000;
  return {
    boundMs,
    afterMs: boundMs + Math.min(check.periodSeconds * 1000, 1000) * STALE_TOLERANCE,
    runsForever: check.probes.some((probe) => probe !== 'startup'),
  };
}

/**
 * Monotonic ms at which evidence gathered at `evidenceAt` expires: never before evidence is due, never for a
 * check whose results are reported, never for a latched check that gates only startup (it runs no more).
 */
export function staleAt(
  check: ResolvedCheck,
  rule: Freshness,
  view: CheckSnapshot,
  evidenceAt: number | undefined,
): number {
  if (evidenceAt === undefined || check.prober.reported) return Number.POSITIVE_INFINITY;
  if (!rule.runsForever && view.startupLatched) return Number.POSITIVE_INFINITY;
  return evidenceAt + rule.afterMs;
}

/** The view of a stale check: failing, whatever its condition says, and saying why. */
export function staleView(view: CheckSnapshot, rule: Freshness): CheckSnapshot {
  const seconds = Math.round(rule.boundMs / 100) / 10;
  return Object.freeze({ ...view, stale: true, output: `stale: no run finished in the last ${seconds}s` });
}
