// A check's snapshot for the tests of what reads one (the explanations, the fleet), without running an engine.
import type { CheckSnapshot } from '../src/types.js';

/** When the snapshot's check last changed state and last ran. */
export const SINCE = Date.parse('2026-12-04T14:33:55.123Z');

/** A passing critical readiness check `db` on tcp://127.0.0.1:5432 that has run, changed by `fields`. */
export function checkSnapshot(fields: Partial<CheckSnapshot> = {}): CheckSnapshot {
  return {
    name: 'db',
    kind: 'tcpSocket',
    target: 'tcp://127.0.0.1:5432',
    probes: ['readiness'],
    critical: true,
    componentType: 'component',
    scope: 'local',
    condition: 'passing',
    startupLatched: true,
    stale: false,
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
    successThreshold: 1,
    failureThreshold: 3,
    since: SINCE,
    history: [],
    lastRunAt: SINCE,
    ...fields,
  };
}
