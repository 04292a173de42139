// Thresholds and aggregation as pure functions, tested with tables of result sequences (like the kubelet's worker.go).
import type { CheckCondition, CheckSnapshot, HealthStatus, ProbeKind, ProbeSnapshot } from './types.js';

/** The threshold counter of one check. */
export interface ThresholdState {
  readonly condition: CheckCondition;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  /** Startup passed once; it stays passed for the life of the process. */
  readonly startupLatched: boolean;
}

export const INITIAL_THRESHOLD_STATE: ThresholdState = Object.freeze({
  condition: 'unknown',
  consecutiveSuccesses: 0,
  consecutiveFailures: 0,
  startupLatched: false,
});

/**
 * Counts one result. The condition changes only once a run of identical results reaches its
 * threshold; below it the previous condition (initially `unknown`) is kept.
 */
export function applyResult(
  state: ThresholdState,
  ok: boolean,
  thresholds: { readonly successThreshold: number; readonly failureThreshold: number },
): ThresholdState {
  const consecutiveSuccesses = ok ? state.consecutiveSuccesses + 1 : 0;
  const consecutiveFailures = ok ? 0 : state.consecutiveFailures + 1;
  let condition = state.condition;
  if (ok && consecutiveSuccesses >= thresholds.successThreshold) condition = 'passing';
  if (!ok && consecutiveFailures >= thresholds.failureThreshold) condition = 'failing';
  return {
    condition,
    consecutiveSuccesses,
    consecutiveFailures,
    startupLatched: state.startupLatched || condition === 'passing',
  };
}

/**
 * Whether a check passes as seen by one probe kind: before its first threshold, readiness and
 * startup read `unknown` as failing and liveness as passing; a latched startup ignores everything after.
 */
export function passesFor(
  check: Pick<CheckSnapshot, 'condition' | 'stale' | 'startupLatched'>,
  probe: ProbeKind,
): boolean {
  if (probe === 'startup' && check.startupLatched) return true;
  if (check.stale) return false;
  if (check.condition === 'unknown') return probe === 'liveness';
  return check.condition === 'passing';
}

/**
 * A check's status within one probe kind: a failing non-critical check is `warn`; so is a shared check failing
 * in an outage the fleet shares, or while the fleet is being asked (docs/fleet.md), in readiness.
 */
export function statusFor(check: CheckSnapshot, probe: ProbeKind): HealthStatus {
  if (passesFor(check, probe)) return 'pass';
  if (probe === 'readiness' && check.fleet?.status === 'warn') return 'warn';
  return check.critical ? 'fail' : 'warn';
}

/** The worst of two statuses. */
export function worst(a: HealthStatus, b: HealthStatus): HealthStatus {
  if (a === 'fail' || b === 'fail') return 'fail';
  return a === 'warn' || b === 'warn' ? 'warn' : 'pass';
}

/** Whether `check` takes part in `kind`; every check takes part in `all` (`/healthz`). */
export function gates(check: Pick<CheckSnapshot, 'probes'>, kind: ProbeKind | 'all'): boolean {
  return kind === 'all' || check.probes.includes(kind);
}

/**
 * A check's status as `kind` reads it; for `all`, the worst over the kinds it gates. `alone` (`/readyz/<check>`):
 * a failing check fails whatever `critical` says, since `critical` shapes only the aggregate.
 */
export function checkStatus(check: CheckSnapshot, kind: ProbeKind | 'all', alone = false): HealthStatus {
  let status: HealthStatus = 'pass';
  if (kind !== 'all') status = statusFor(check, kind);
  else for (const probe of check.probes) status = worst(status, statusFor(check, probe));
  return alone && status === 'warn' ? 'fail' : status;
}

/**
 * The state of one probe kind, or of every kind together (`all`): the worst status of its checks, `excluded`
 * left out; a kind with no checks passes. Readiness (and `all`) fails with `starting` while startup fails,
 * whatever its own checks say (kubelet: probes start once the container has started). The one rule: snapshots
 * and answers both decide by it.
 */
export function kindState(
  checks: readonly CheckSnapshot[],
  kind: ProbeKind | 'all',
  excluded?: ReadonlySet<string>,
): ProbeSnapshot {
  if ((kind === 'readiness' || kind === 'all') && kindState(checks, 'startup').status === 'fail') {
    return { status: 'fail', reason: 'starting' };
  }
  let status: HealthStatus = 'pass';
  for (const check of checks) {
    if (!gates(check, kind) || excluded?.has(check.name)) continue;
    status = worst(status, checkStatus(check, kind));
    if (status === 'fail') break;
  }
  return { status };
}

/** The three probe kinds' states, as a snapshot keeps them. */
export function probeStates(checks: readonly CheckSnapshot[]): Record<ProbeKind, ProbeSnapshot> {
  return {
    startup: kindState(checks, 'startup'),
    liveness: kindState(checks, 'liveness'),
    readiness: kindState(checks, 'readiness'),
  };
}
