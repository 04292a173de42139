// Option checks shared by the features that own each option; one message template (`path: expectation, got value`).
import { InvalidOptionError } from './errors.js';

/** Refuses anything but a plain object with only `known` keys, so a typo (`drainDelay`) is an error, not a default. */
export function optionsObject(
  path: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(path, 'must be an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new InvalidOptionError(`${path}.${key}`, `is not an option (known: ${known.join(', ')})`, key);
    }
  }
  return value as Record<string, unknown>;
}

/** A number of seconds from `min` (inclusive) up to a day; `fallback` when undefined. */
export function seconds(path: string, value: unknown, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > 86_400) {
    throw new InvalidOptionError(path, `must be a number of seconds from ${min} up to 86400`, value);
  }
  return value;
}

export function boolean(path: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(path, 'must be a boolean', value);
  return value;
}
