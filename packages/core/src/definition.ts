// Check definitions: defaults declared once, every field validated next to its meaning, then frozen.
import { optionsObject } from './checks/common.js';
import { fn } from './checks/function.js';
import { DuplicateCheckError, InvalidCheckError } from './errors.js';
import { fieldValue, TIMING_FIELDS } from './fields.js';
import {
  type CheckScope,
  type CheckSpec,
  PROBE_KINDS,
  type ProbeKind,
  type Prober,
  type ResolvedCheck,
} from './types.js';

/** The kubelet's defaults (pkg/apis/core/v1/defaults.go), plus ours; the numbers are TIMING_FIELDS' defaults. */
export const CHECK_DEFAULTS = Object.freeze({
  initialDelaySeconds: TIMING_FIELDS.initialDelaySeconds.default!, // seconds before the first run
  periodSeconds: TIMING_FIELDS.periodSeconds.default!, // seconds between run starts
  timeoutSeconds: TIMING_FIELDS.timeoutSeconds.default!, // seconds before a run is aborted as `timeout`
  successThreshold: TIMING_FIELDS.successThreshold.default!, // consecutive successes to pass
  failureThreshold: TIMING_FIELDS.failureThreshold.default!, // consecutive failures to fail
  probes: Object.freeze(['readiness'] as const),
  critical: true,
  scope: 'local' as const,
});

export const CHECK_NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;

// Every field of a CheckSpec: anything else is a typo (`periodSecond`) that would otherwise leave a default in place.
const CHECK_FIELDS: readonly string[] = [
  'name',
  'check',
  'initialDelaySeconds',
  'periodSeconds',
  'timeoutSeconds',
  'successThreshold',
  'failureThreshold',
  'probes',
  'critical',
  'componentType',
  'scope',
];

// What resolveCheck made: handed back as it is, so a definition resolved once (by the sidecar's loader) is not
// validated again (by the engine).
const resolved = new WeakSet<ResolvedCheck>();

/**
 * Validates and resolves one spec; `path` prefixes field names in errors (`checks[2]`). A check this function
 * resolved before is returned as it is.
 */
export function resolveCheck(spec: CheckSpec | ResolvedCheck, path = 'check'): ResolvedCheck {
  if (resolved.has(spec as ResolvedCheck)) return spec as ResolvedCheck;
  const check = resolveSpec(spec as CheckSpec, path);
  resolved.add(check);
  return check;
}

function resolveSpec(spec: CheckSpec, path: string): ResolvedCheck {
  optionsObject(path, spec, CHECK_FIELDS);
  const name = spec.name;
  if (typeof name !== 'string' || !CHECK_NAME.test(name)) {
    throw new InvalidCheckError(
      `${path}.name`,
      'must be 1-63 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit',
      name,
    );
  }
  const at = (field: string) => `${path}.${field}`;
  const probes = resolveProbes(spec.probes, at('probes'));
  const field = (key: keyof typeof TIMING_FIELDS) => fieldValue(TIMING_FIELDS[key], spec[key], at(key));
  const successThreshold = field('successThreshold');
  if (successThreshold !== 1 && (probes.includes('liveness') || probes.includes('startup'))) {
    throw new InvalidCheckError(
      at('successThreshold'),
      'must be 1 for liveness and startup checks',
      successThreshold,
    );
  }
  const prober = resolveProber(spec.check, at('check'));
  const critical = spec.critical ?? CHECK_DEFAULTS.critical;
  if (typeof critical !== 'boolean')
    throw new InvalidCheckError(at('critical'), 'must be a boolean', critical);
  const componentType = spec.componentType ?? prober.componentType ?? 'component';
  if (typeof componentType !== 'string') {
    throw new InvalidCheckError(at('componentType'), 'must be a string', componentType);
  }
  const scope = resolveScope(spec.scope, probes, at('scope'));
  return Object.freeze({
    name,
    prober,
    initialDelaySeconds: field('initialDelaySeconds'),
    periodSeconds: field('periodSeconds'),
    timeoutSeconds: field('timeoutSeconds'),
    successThreshold,
    failureThreshold: field('failureThreshold'),
    probes,
    critical,
    componentType,
    scope,
  });
}

/** Resolves a list of specs (resolved checks among them are kept as they are), refusing duplicate names. */
export function resolveChecks(
  specs: readonly (CheckSpec | ResolvedCheck)[],
  path = 'checks',
): ResolvedCheck[] {
  if (!Array.isArray(specs)) throw new InvalidCheckError(path, 'must be an array', specs);
  const seen = new Set<string>();
  return specs.map((spec, index) => {
    const check = resolveCheck(spec, `${path}[${index}]`);
    if (seen.has(check.name)) throw new DuplicateCheckError(check.name);
    seen.add(check.name);
    return check;
  });
}

/** Two resolved checks do the same thing (a reload keeps the state of such a check). */
export function sameDefinition(a: ResolvedCheck, b: ResolvedCheck): boolean {
  return (
    a.name === b.name &&
    a.initialDelaySeconds === b.initialDelaySeconds &&
    a.periodSeconds === b.periodSeconds &&
    a.timeoutSeconds === b.timeoutSeconds &&
    a.successThreshold === b.successThreshold &&
    a.failureThreshold === b.failureThreshold &&
    a.critical === b.critical &&
    a.componentType === b.componentType &&
    a.scope === b.scope &&
    a.probes.join() === b.probes.join() &&
    a.prober.kind === b.prober.kind &&
    sameIdentity(a.prober.identity, b.prober.identity)
  );
}

function sameIdentity(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false; // a circular identity (a client object) cannot be compared: treat it as changed
  }
}

function resolveProber(check: CheckSpec['check'], path: string): Prober {
  if (typeof check === 'function') return fn(check);
  if (
    typeof check === 'object' &&
    check !== null &&
    typeof check.run === 'function' &&
    typeof check.kind === 'string'
  ) {
    return check;
  }
  throw new InvalidCheckError(
    path,
    'must be a function or a prober (httpGet(), tcpSocket(), exec(), grpc(), …)',
    check,
  );
}

// A restart cannot fix a dependency every replica shares, so a shared check gates readiness only.
function resolveScope(scope: unknown, probes: readonly ProbeKind[], path: string): CheckScope {
  if (scope === undefined) return CHECK_DEFAULTS.scope;
  if (scope !== 'local' && scope !== 'shared')
    throw new InvalidCheckError(path, "must be 'local' or 'shared'", scope);
  if (scope === 'shared' && probes.some((probe) => probe !== 'readiness')) {
    throw new InvalidCheckError(
      path,
      'must be local in liveness and startup checks (a restart cannot fix a shared dependency)',
      scope,
    );
  }
  return scope;
}

function resolveProbes(probes: unknown, path: string): readonly ProbeKind[] {
  if (probes === undefined) return CHECK_DEFAULTS.probes;
  if (!Array.isArray(probes) || probes.length === 0) {
    throw new InvalidCheckError(path, `must be a non-empty array of ${PROBE_KINDS.join(', ')}`, probes);
  }
  for (const [index, probe] of probes.entries()) {
    if (!PROBE_KINDS.includes(probe)) {
      throw new InvalidCheckError(`${path}[${index}]`, `must be one of ${PROBE_KINDS.join(', ')}`, probe);
    }
  }
  return Object.freeze([...new Set(probes as ProbeKind[])]);
}
