// Explaining a check's state, the same way in every answer (verbose lines, the status page): why it does not
// pass, since when, and how far it is from changing.
import { checkStatus, gates } from './state.js';
import type { CheckSnapshot, HealthStatus, ProbeKind, ProbeSnapshot } from './types.js';

/**
 * The reason shown for a check that does not pass as `kind` reads it. A shared check failing here says what the
 * fleet makes of it: the outage that keeps it ready instead of its own reason, or its reason and why that stands.
 */
export function reasonOf(check: CheckSnapshot, kind: ProbeKind | 'all'): string {
  const fleet = kind === 'readiness' || kind === 'all' ? check.fleet : undefined;
  if (fleet?.status === 'warn') return fleet.reason;
  const own = localReason(check, kind);
  return fleet ? `${own}; ${fleet.note}` : own;
}

function localReason(check: CheckSnapshot, kind: ProbeKind | 'all'): string {
  if (check.output) return check.output;
  if (check.lastRunAt === undefined) return kind === 'startup' ? 'not started yet' : 'no result yet';
  return 'below its success threshold';
}

/**
 * What an operator asks next about a check in `status`, or nothing when it is plainly passing:
 * `failing since 2026-12-04T14:33:55Z, 3 in a row` for a failing one, `1 failure, 2 more to fail` for a
 * passing one that has begun to fail, `no success yet, 2 in a row` before its first threshold.
 */
export function stateNote(check: CheckSnapshot, status: HealthStatus): string | undefined {
  const failures = check.consecutiveFailures;
  const successes = check.consecutiveSuccesses;
  const toFail = () => `${plural(failures, 'failure')}, ${check.failureThreshold - failures} more to fail`;
  const toPass = () => `${plural(successes, 'success')}, ${check.successThreshold - successes} more to pass`;
  if (status === 'pass') {
    // A latched startup check passes whatever its condition; only a check counting toward failing says so.
    return failures > 0 && check.condition !== 'failing' && !check.stale ? toFail() : undefined;
  }
  if (check.stale || check.condition === 'failing') {
    const since = `failing since ${isoSeconds(check.since)}`;
    // Stale means no run finished: its counters are old news.
    if (check.stale) return since;
    if (failures > 0) return `${since}, ${failures} in a row`;
    return successes > 0 ? `${since}, ${toPass()}` : since;
  }
  if (check.condition === 'unknown') {
    if (failures > 0) return `no success yet, ${failures} in a row`;
    return successes > 0 ? toPass() : undefined;
  }
  return undefined;
}

const SEVERITY: Readonly<Record<HealthStatus, number>> = { pass: 0, warn: 1, fail: 2 };

/**
 * The checks that made probe kind `kind` change from `before` to `after` (two snapshots' checks and states):
 * going worse, those newly at its new status; going better, those no longer at its old status (or gone).
 * Readiness that waits for startup (`starting`) counts the startup checks too.
 */
export function causes(
  kind: ProbeKind,
  before: { readonly checks: readonly CheckSnapshot[]; readonly state: ProbeSnapshot },
  after: { readonly checks: readonly CheckSnapshot[]; readonly state: ProbeSnapshot },
): string[] {
  const starting = before.state.reason === 'starting' || after.state.reason === 'starting';
  const status = (check: CheckSnapshot): HealthStatus => {
    if (gates(check, kind)) return checkStatus(check, kind);
    return starting && gates(check, 'startup') ? checkStatus(check, 'startup') : 'pass';
  };
  const from = SEVERITY[before.state.status];
  const to = SEVERITY[after.state.status];
  const earlier = new Map(before.checks.map((check) => [check.name, SEVERITY[status(check)]]));
  if (to > from) {
    return after.checks
      .filter((check) => SEVERITY[status(check)] === to && (earlier.get(check.name) ?? 0) < to)
      .map((check) => check.name);
  }
  const now = new Map(after.checks.map((check) => [check.name, SEVERITY[status(check)]]));
  return before.checks
    .filter((check) => (earlier.get(check.name) ?? 0) === from && (now.get(check.name) ?? 0) < from)
    .map((check) => check.name);
}

/** `2026-12-04T14:33:55Z`: an ISO 8601 time to the second, as verbose lines and the page show it. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `1 failure`, `3 successes`. */
export function plural(n: number, word: 'failure' | 'success'): string {
  return `${n} ${n === 1 ? word : word === 'success' ? 'successes' : 'failures'}`;
}
