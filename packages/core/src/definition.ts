// Check definitions: defaults declared once, every field validated next to its meaning, then frozen.
import { optionsObject } from './checks/common.js';
import { fn } from './checks/function.js';
import { DuplicateCheckError, InvalidCheckError } from './errors.js';
import { type CheckSpec, PROBE_KINDS, type ProbeKind, type Prober, type ResolvedCheck } from './types.js';

/** The kubelet's defaults (pkg/apis/core/v1/defaults.go), plus ours. */
export const CHECK_DEFAULTS = Object.freeze({
  initialDelaySeconds: 0, // seconds before the first run
  periodSeconds: 10, // seconds between run starts
  timeoutSeconds: 1, // seconds before a run is aborted as `timeout`
  successThreshold: 1, // consecutive successes to pass
  failureThreshold: 3, // consecutive failures to fail
  probes: Object.freeze(['readiness'] as const),
  critical: true,
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
];

/** The longest period or delay we accept: a day; longer is surely a unit mistake (ms for s). */
export const MAX_SECONDS = 86_400;

/** Validates and resolves one spec; `path` prefixes field names in errors (`checks[2]`). */
export function resolveCheck(spec: CheckSpec, path = 'check'): ResolvedCheck {
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
  const successThreshold = integer(
    spec.successThreshold,
    CHECK_DEFAULTS.successThreshold,
    at('successThreshold'),
  );
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
  return Object.freeze({
    name,
    prober,
    initialDelaySeconds: seconds(
      spec.initialDelaySeconds,
      CHECK_DEFAULTS.initialDelaySeconds,
      at('initialDelaySeconds'),
      0,
    ),
    periodSeconds: seconds(spec.periodSeconds, CHECK_DEFAULTS.periodSeconds, at('periodSeconds')),
    timeoutSeconds: seconds(spec.timeoutSeconds, CHECK_DEFAULTS.timeoutSeconds, at('timeoutSeconds')),
    successThreshold,
    failureThreshold: integer(spec.failureThreshold, CHECK_DEFAULTS.failureThreshold, at('failureThreshold')),
    probes,
    critical,
    componentType,
  });
}

/** Resolves a list of specs, refusing duplicate names. */
export function resolveChecks(specs: readonly CheckSpec[], path = 'checks'): ResolvedCheck[] {
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

function seconds(value: unknown, fallback: number, path: string, min = Number.MIN_VALUE): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_SECONDS) {
    const bound = min === 0 ? 'a number of seconds from 0' : 'a positive number of seconds';
    throw new InvalidCheckError(path, `must be ${bound} up to ${MAX_SECONDS}`, value);
  }
  return value;
}

function integer(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1_000_000) {
    throw new InvalidCheckError(path, 'must be an integer of at least 1', value);
  }
  return value;
}
