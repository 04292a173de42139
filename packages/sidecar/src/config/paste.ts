// A probe pasted from a pod spec is taken as written there: `readinessProbe: { httpGet: … }` is a readiness
// check, and a field that only means something to the kubelet is accepted with a warning instead of refused.
import type { Findings } from './checks.js';
import { PASTED_PROBES } from './schema.js';

/** Probe fields the schema accepts for pasting but that have no meaning for probekit. */
const KUBELET_ONLY = 'terminationGracePeriodSeconds';

/**
 * The entry as a check of its own: a wrapped probe unwrapped, gating its kind, and kubelet-only fields
 * dropped with a warning. Undefined, with a problem, when the wrapper contradicts the entry around it.
 */
export function unpaste(
  entry: Readonly<Record<string, unknown>>,
  path: string,
  findings: Findings,
): Record<string, unknown> | undefined {
  const wrapper = Object.keys(PASTED_PROBES).find((key) => Object.hasOwn(entry, key)) as
    | keyof typeof PASTED_PROBES
    | undefined;
  const outer: Record<string, unknown> = { ...entry };
  const probe: Record<string, unknown> = { ...(wrapper && (entry[wrapper] as Record<string, unknown>)) };
  if (wrapper) delete outer[wrapper];
  let contradicted = false;
  if (wrapper !== undefined && Object.hasOwn(outer, 'probes')) {
    findings.problems.push({
      path: `${path}.probes`,
      message: `cannot be combined with ${wrapper}, which already says the probe kind`,
    });
    contradicted = true;
  }
  for (const key of Object.keys(probe).filter((key) => Object.hasOwn(outer, key))) {
    findings.problems.push({
      path: `${path}.${wrapper}.${key}`,
      message: `is also given beside ${wrapper}; give it once`,
    });
    contradicted = true;
  }
  if (contradicted) return undefined;
  for (const [fields, at] of [
    [outer, path],
    [probe, `${path}.${wrapper}`],
  ] as const) {
    if (!Object.hasOwn(fields, KUBELET_ONLY)) continue;
    delete fields[KUBELET_ONLY];
    findings.warnings.push({
      path: `${at}.${KUBELET_ONLY}`,
      message:
        'is ignored: it is the grace period the kubelet gives a container it kills for a failed liveness or startup probe, and probekit kills nothing',
    });
  }
  return wrapper === undefined ? outer : { ...outer, ...probe, probes: [PASTED_PROBES[wrapper]] };
}
