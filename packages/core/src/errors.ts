// The engine's error registry: every error has a stable `code`; test/errors.test.ts keeps this list, the
// classes and docs/core.md's table in step, both ways.

/** Base class of every error probekit throws on purpose. */
export class ProbekitError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A check definition or a check kind's option is invalid. `path` names the field (`checks[1].periodSeconds`). */
export class InvalidCheckError extends ProbekitError {
  declare readonly code: 'PROBEKIT_INVALID_CHECK';
  readonly path: string;
  readonly value: unknown;
  /** The message without its path: `must be an integer 1-65535, got `0` (number)`. */
  readonly problem: string;
  constructor(path: string, expectation: string, value: unknown) {
    const problem = `${expectation}, got ${describeValue(value)}`;
    super('PROBEKIT_INVALID_CHECK', `${path}: ${problem}`);
    this.path = path;
    this.value = value;
    this.problem = problem;
  }
}

/** Two checks share a name. */
export class DuplicateCheckError extends ProbekitError {
  declare readonly code: 'PROBEKIT_DUPLICATE_CHECK';
  readonly checkName: string;
  constructor(name: string) {
    super('PROBEKIT_DUPLICATE_CHECK', `check name ${JSON.stringify(name)} is used more than once`);
    this.checkName = name;
  }
}

/**
 * Thrown by a prober that could not decide (a bug or a bad environment, not an unhealthy target).
 * The engine logs it and discards the run, like the kubelet's "Prober error, throw away the result".
 */
export class CheckUnknownError extends ProbekitError {
  declare readonly code: 'PROBEKIT_CHECK_UNKNOWN';
  constructor(message: string, options?: ErrorOptions) {
    super('PROBEKIT_CHECK_UNKNOWN', message, options);
  }
}

/** An operation named a check the engine does not have. */
export class UnknownCheckError extends ProbekitError {
  declare readonly code: 'PROBEKIT_UNKNOWN_CHECK';
  readonly checkName: string;
  constructor(name: string, why: string) {
    super('PROBEKIT_UNKNOWN_CHECK', `check ${JSON.stringify(name)} ${why}`);
    this.checkName = name;
  }
}

/** A fleet option is invalid. `path` names the field (`fleet.sample`, `fleet.peers.static[2]`). */
export class InvalidFleetError extends ProbekitError {
  declare readonly code: 'PROBEKIT_INVALID_FLEET';
  readonly path: string;
  readonly value: unknown;
  /** The message without its path. */
  readonly problem: string;
  constructor(path: string, expectation: string, value: unknown) {
    const problem = `${expectation}, got ${describeValue(value)}`;
    super('PROBEKIT_INVALID_FLEET', `${path}: ${problem}`);
    this.path = path;
    this.value = value;
    this.problem = problem;
  }
}

/** Every code this package can throw, for docs and exhaustive handling. */
export const CORE_ERROR_CODES = [
  'PROBEKIT_INVALID_CHECK',
  'PROBEKIT_DUPLICATE_CHECK',
  'PROBEKIT_CHECK_UNKNOWN',
  'PROBEKIT_UNKNOWN_CHECK',
  'PROBEKIT_INVALID_FLEET',
] as const;

/** `-1 (number)`, `"x" (string)`: the template execa uses, so the value and its type are both visible. */
export function describeValue(value: unknown): string {
  if (value === null) return '`null`';
  if (Array.isArray(value)) return `\`${truncate(safeJson(value))}\` (array)`;
  if (typeof value === 'object') return `\`${truncate(safeJson(value))}\` (object)`;
  if (typeof value === 'string') return `\`${truncate(JSON.stringify(value))}\` (string)`;
  if (typeof value === 'function') return 'a function';
  return `\`${String(value)}\` (${typeof value})`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
