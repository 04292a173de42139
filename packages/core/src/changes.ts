// The change events, after the kubelet's results manager (it tells only when a value changes): a check's
// condition (stale included), and a probe kind's status with the checks that caused it.
import { causes } from './explain.js';
import type { ChangeEvent, CheckCondition, Snapshot } from './types.js';
import { PROBE_KINDS } from './types.js';

/** What a check's last `change` event said; the store keeps it on the check's entry. */
export interface Announced {
  announced: CheckCondition | 'stale';
}

/**
 * The events that take the world from `previous` (the snapshot last announced; none before the first) to
 * `snapshot`, in order: checks first, then probe kinds. Each check's `announced` is moved on as its event is made.
 */
export function changeEvents(
  previous: Snapshot | undefined,
  snapshot: Snapshot,
  entryOf: (check: string) => Announced | undefined,
): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  for (const check of snapshot.checks) {
    const entry = entryOf(check.name);
    if (!entry) continue;
    const now = check.stale ? 'stale' : check.condition;
    if (now === entry.announced) continue;
    events.push({
      type: 'check',
      check: check.name,
      from: entry.announced,
      to: now,
      ...(check.output !== undefined && { output: check.output }),
    });
    entry.announced = now;
  }
  if (!previous) return events;
  for (const probe of PROBE_KINDS) {
    const before = previous.probes[probe];
    const after = snapshot.probes[probe];
    if (before.status === after.status) continue;
    events.push({
      type: 'probe',
      probe,
      from: before.status,
      to: after.status,
      ...(after.reason !== undefined && { reason: after.reason }),
      checks: causes(
        probe,
        { checks: previous.checks, state: before },
        { checks: snapshot.checks, state: after },
      ),
    });
  }
  return events;
}
