// The `manual` kind: never scheduled; its result is pushed with engine.report() (markStarted, a not-ready switch).
import { CheckUnknownError } from '../errors.js';
import type { Prober } from '../types.js';

/** A check whose result the application reports itself; it never goes stale. */
export function manual(options: { componentType?: string } = {}): Prober {
  return {
    kind: 'manual',
    target: 'manual',
    identity: 'manual',
    reported: true,
    componentType: options.componentType ?? 'component',
    run() {
      return Promise.reject(new CheckUnknownError('a manual check is reported, never run'));
    },
  };
}
