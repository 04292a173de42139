// What the network kinds share: option validation with one message template, timing, abort reasons.
import { isIP } from 'node:net';
import { InvalidCheckError } from '../errors.js';
import { fieldValue, PORT_FIELD } from '../fields.js';
import { closestName } from '../suggest.js';

/** Makes the error for an invalid option: `InvalidCheckError` here, the SDK's `InvalidOptionError` there. */
export type OptionErrorFactory = (path: string, expectation: string, value: unknown) => Error;

const invalidCheck: OptionErrorFactory = (path, expectation, value) =>
  new InvalidCheckError(path, expectation, value);

/**
 * Validates that `value` is a plain object with only `known` keys, so a typo is an error rather
 * than a silent default (naming the key it most likely meant); returns it as a record.
 */
export function optionsObject(
  path: string,
  value: unknown,
  known: readonly string[],
  invalid: OptionErrorFactory = invalidCheck,
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(path, 'must be an object', value);
  }
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const meant = closestName(key, known);
    const hint = meant === undefined ? `known: ${known.join(', ')}` : `did you mean ${meant}?`;
    throw invalid(`${path}.${key}`, `is not an option (${hint})`, key);
  }
  return value as Record<string, unknown>;
}

/** A numeric port; named ports only mean something inside a pod spec. */
export function port(path: string, value: unknown): number {
  return fieldValue(PORT_FIELD, value, path);
}

/** A host name or IP address, IPv6 with or without brackets; returned without brackets. */
export function host(path: string, value: unknown = '127.0.0.1'): string {
  if (typeof value !== 'string' || !/^[^\s/@?#]+$/.test(value)) {
    throw new InvalidCheckError(path, 'must be a host name or IP address', value);
  }
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (bare.includes(':') && isIP(bare) !== 6)
    throw new InvalidCheckError(path, 'must be a host name or IP address', value);
  return bare;
}

/** `host:port`, bracketing IPv6 addresses as URLs and gRPC addresses need. */
export function hostPort(hostname: string, portNumber: number): string {
  return `${isIP(hostname) === 6 ? `[${hostname}]` : hostname}:${portNumber}`;
}

/** Milliseconds since `start` (a `performance.now()`), to the microsecond. */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

/** Why the signal fired, for an output: `The operation was aborted due to timeout`, `timed out after 300 ms`. */
export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.message ? reason.message : 'aborted';
}

/** An error's message; node's happy-eyeballs connect fails with an AggregateError whose own message is empty. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && !error.message) return error.errors.map(errorMessage).join('; ');
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}
