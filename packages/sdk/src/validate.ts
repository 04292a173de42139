// Option checks shared by the features that own each option; one message template (`path: expectation, got value`).
import {
  optionsObject as coreOptionsObject,
  fieldValue,
  LISTEN_PORT_FIELD,
  type OptionErrorFactory,
  secondsField,
} from '@probekit/core/internal';
import { InvalidOptionError } from './errors.js';

const invalidOption: OptionErrorFactory = (at, expectation, got) =>
  new InvalidOptionError(at, expectation, got);

/** Refuses anything but a plain object with only `known` keys, so a typo (`drainDelay`) is an error, not a default. */
export function optionsObject(
  path: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  return coreOptionsObject(path, value, known, invalidOption);
}

/** A number of seconds from `min` (inclusive) up to core's bound of a day; `fallback` when undefined. */
export function seconds(path: string, value: unknown, fallback: number, min = 0): number {
  return fieldValue({ ...secondsField(min), default: fallback }, value, path, invalidOption);
}

/** A port to listen on (0: any free port), checked against core's field for it, with its message. */
export function listenPort(path: string, value: unknown): number {
  return fieldValue(LISTEN_PORT_FIELD, value, path, invalidOption);
}

export function boolean(path: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(path, 'must be a boolean', value);
  return value;
}
