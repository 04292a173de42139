// What this member says of its own shared checks: the raw local state, never the fleet-adjusted one.
import type { CheckSnapshot } from '../types.js';

/** A shared check's state as `/fleetz` reports it. */
export type FleetState = 'pass' | 'fail' | 'unknown';

type Local = Pick<CheckSnapshot, 'condition' | 'stale' | 'lastResult'>;

/**
 * `fail` once the last run failed (below `failureThreshold` too) or the check is failing; `pass` when it
 * passes and its last run did; `unknown` before any verdict, or when stale (a blocked event loop is this
 * member's own problem, not evidence about the dependency).
 *
 * Reporting the first failed run, not only the threshold, is what lets a shared outage be recognised at
 * once: every member sees its first failure within one period of the dependency going down, but crosses
 * its threshold up to one period apart from the others. A member that asks the fleet as soon as it is
 * failing then finds its peers failing too instead of leaving the Service until the next round.
 */
export function fleetState(check: Local): FleetState {
  if (check.stale) return 'unknown';
  if (check.lastResult === 'failure' || check.lastResult === 'timeout' || check.condition === 'failing') {
    return 'fail';
  }
  return check.condition === 'passing' ? 'pass' : 'unknown';
}

/** Whether the fleet may speak for this check here: failing by its threshold, on fresh evidence. */
export function locallyFailing(check: Pick<CheckSnapshot, 'condition' | 'stale'>): boolean {
  return check.condition === 'failing' && !check.stale;
}
