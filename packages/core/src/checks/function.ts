// The `function` kind: any async function given an AbortSignal; a throw or rejection fails.
import type { CheckFunction, Outcome, Prober } from '../types.js';

/** Wraps a function so that whatever it does (throws, rejects, returns junk) becomes an Outcome. */
export function fn(check: CheckFunction, options: { componentType?: string } = {}): Prober {
  return {
    kind: 'function',
    target: check.name ? `function:${check.name}` : 'function',
    identity: check,
    componentType: options.componentType ?? 'component',
    async run(signal) {
      const value: unknown = await check(signal);
      return toOutcome(value);
    },
  };
}

function toOutcome(value: unknown): Outcome {
  if (value === undefined || value === null) return { ok: true };
  if (typeof value === 'object' && !Array.isArray(value)) {
    const { observedValue, observedUnit } = value as { observedValue?: unknown; observedUnit?: unknown };
    return {
      ok: true,
      ...(observedValue !== undefined && { observedValue }),
      ...(typeof observedUnit === 'string' && { observedUnit }),
    };
  }
  return {
    ok: false,
    output: `check returned ${typeof value === 'boolean' ? String(value) : typeof value}; expected nothing or { observedValue }`,
  };
}
