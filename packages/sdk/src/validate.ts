// Option checks shared by the features that own each option; one message template (`path: expectation, got value`).
import { optionsObject as coreOptionsObject } from '@probekit/core';
import { InvalidOptionError } from './errors.js';

/** Refuses anything but a plain object with only `known` keys, so a typo (`drainDelay`) is an error, not a default. */
export function optionsObject(
  path: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  return coreOptionsObject(
    path,
    value,
    known,
    (at, expectation, got) => new InvalidOptionError(at, expectation, got),
  );
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
