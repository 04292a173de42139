// The numeric fields of a check, and ports, declared once: default, unit, bounds and message of each. Core
// resolves definitions by them, the sidecar generates its JSON Schema fragments from them, the SDK checks
// its own seconds and ports with them: one rule and one wording per field, wherever it is given.
import type { OptionErrorFactory } from './checks/common.js';
import { InvalidCheckError } from './errors.js';

/** A number field: its bounds, what a bad value is told, and (when it may be left out) its default. */
export interface NumberField {
  /** `integer`, or any finite `number` (fractions allowed). */
  readonly type: 'integer' | 'number';
  /** The lowest value allowed; with `exclusiveMinimum`, values must be above it. */
  readonly minimum: number;
  readonly exclusiveMinimum?: boolean;
  readonly maximum: number;
  /** The value when left out; a field without one is required. */
  readonly default?: number;
  readonly unit?: 'seconds';
  /** The one message for any bad value: `must be …`. */
  readonly message: string;
  /** One line for docs and editors, the default left out. */
  readonly description: string;
}

/** The longest period or delay we accept: a day; longer is surely a unit mistake (ms for s). */
export const MAX_SECONDS = 86_400;
const MAX_THRESHOLD = 1_000_000;

/** Seconds from `minimum` (inclusive; `positive`: above 0) up to a day. */
export function secondsField(minimum: number | 'positive', description = '', fallback?: number): NumberField {
  const positive = minimum === 'positive';
  return Object.freeze({
    type: 'number',
    minimum: positive ? 0 : minimum,
    ...(positive && { exclusiveMinimum: true }),
    maximum: MAX_SECONDS,
    ...(fallback !== undefined && { default: fallback }),
    unit: 'seconds',
    message: positive
      ? `must be a positive number of seconds up to ${MAX_SECONDS}`
      : `must be a number of seconds from ${minimum} up to ${MAX_SECONDS}`,
    description,
  });
}

function threshold(fallback: number, description: string): NumberField {
  return Object.freeze({
    type: 'integer',
    minimum: 1,
    maximum: MAX_THRESHOLD,
    default: fallback,
    message: 'must be an integer of at least 1',
    description,
  });
}

/** A check's timing and threshold fields, with the kubelet's defaults (pkg/apis/core/v1/defaults.go). */
export const TIMING_FIELDS = Object.freeze({
  initialDelaySeconds: secondsField(0, 'Seconds to wait before the first run.', 0),
  periodSeconds: secondsField('positive', 'Seconds between the starts of two runs; fractions allowed.', 10),
  timeoutSeconds: secondsField('positive', 'Seconds a run may take before it fails as a timeout.', 1),
  successThreshold: threshold(
    1,
    'Consecutive successes to become passing; must be 1 for liveness and startup.',
  ),
  failureThreshold: threshold(3, 'Consecutive failures to become failing.'),
});

/** A port to connect to: named ports only resolve in a pod spec. */
export const PORT_FIELD: NumberField = Object.freeze({
  type: 'integer',
  minimum: 1,
  maximum: 65535,
  message: 'must be an integer 1-65535',
  description: 'Port number. Named ports only resolve in a pod spec, so give the number.',
});

/** A port to listen on: 0 picks a free one. */
export const LISTEN_PORT_FIELD: NumberField = Object.freeze({
  type: 'integer',
  minimum: 0,
  maximum: 65535,
  message: 'must be an integer 0-65535',
  description: 'Port to listen on; 0 picks a free one.',
});

/** Whether `value` is a valid value of `field`. */
export function fits(field: NumberField, value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (field.type === 'number' || Number.isInteger(value)) &&
    (field.exclusiveMinimum ? value > field.minimum : value >= field.minimum) &&
    value <= field.maximum
  );
}

/**
 * `value` if it fits `field`, its default if left out; anything else throws what `invalid` makes
 * (InvalidCheckError unless the caller's options have their own error).
 */
export function fieldValue(
  field: NumberField,
  value: unknown,
  path: string,
  invalid: OptionErrorFactory = (at, expectation, got) => new InvalidCheckError(at, expectation, got),
): number {
  if (value === undefined && field.default !== undefined) return field.default;
  if (!fits(field, value)) throw invalid(path, field.message, value);
  return value;
}
