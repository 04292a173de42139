// The SDK's error registry: every error has a stable `code`; test/errors.test.ts keeps it, the types and docs/sdk.md in step.
import { ProbekitError } from '@probekit/core';
import { describeValue } from '@probekit/core/internal';

/** An option of `createHealth()`, an adapter or `listen()` is invalid. `path` names it (`shutdown.graceSeconds`). */
export class InvalidOptionError extends ProbekitError {
  declare readonly code: 'PROBEKIT_INVALID_OPTION';
  readonly path: string;
  readonly value: unknown;
  constructor(path: string, expectation: string, value: unknown) {
    super('PROBEKIT_INVALID_OPTION', `${path}: ${expectation}, got ${describeValue(value)}`);
    this.path = path;
    this.value = value;
  }
}

/** Every code this package throws besides @probekit/core's `CORE_ERROR_CODES`. */
export const SDK_ERROR_CODES = ['PROBEKIT_INVALID_OPTION'] as const;
