// What the client checks share: one client call at a time, bounded by the run's signal; options; targets.
import { isIP } from 'node:net';
import { InvalidCheckError } from '@probekit/core';
import { abortReason, errorMessage, optionsObject } from '@probekit/core/internal';

export { abortReason, elapsedMs, errorMessage } from '@probekit/core/internal';

/** What a call does when the run gives up on it, or when it settles after that. */
export interface CallHooks<T> {
  /**
   * Runs once when the signal fires first, to dispose of what the call holds (destroy a pooled
   * connection). A call with this hook is over when abandoned: the next run need not wait for it.
   */
  readonly abandon?: () => void;
  /** Runs with the value of a call that succeeded after it was abandoned (release a late pooled connection). */
  readonly late?: (value: T) => void;
}

/**
 * One client call at a time for one check, raced against the run's signal: when the signal fires
 * first the run fails at once and the call's late settle is ignored. A call's failure is prefixed
 * with its label (`SELECT 1: Connection terminated unexpectedly`), so an output names the step.
 * ATTENTION: while an abandoned call that could not be disposed of is still unsettled, later runs
 * fail fast instead of issuing another: on a shared client that cannot cancel, a hung server would
 * otherwise grow its queue by one call per period (and a stuck call there means a stuck client).
 */
export class ClientCalls {
  #pending: { readonly label: string; readonly since: number } | undefined;

  /** Why a new call cannot start (an abandoned call is still unsettled), or undefined. */
  busy(): string | undefined {
    if (!this.#pending) return undefined;
    return `the previous ${this.#pending.label} is still unanswered after ${Math.round(performance.now() - this.#pending.since)} ms`;
  }

  call<T>(
    signal: AbortSignal,
    label: string,
    start: () => PromiseLike<T>,
    hooks: CallHooks<T> = {},
  ): Promise<T> {
    const fail = (why: unknown) => new Error(`${label}: ${errorMessage(why)}`, { cause: why });
    const busy = this.busy();
    if (busy) return Promise.reject(new Error(busy));
    if (signal.aborted) return Promise.reject(fail(abortReason(signal)));
    const pending = { label, since: performance.now() };
    this.#pending = pending;
    let abandoned = false;
    // A synchronous throw from the client becomes a rejection like any other.
    const call = new Promise<T>((resolve) => resolve(start()));
    const settle = () => {
      if (this.#pending === pending) this.#pending = undefined;
    };
    call.then((value) => {
      settle();
      if (abandoned) hooks.late?.(value);
    }, settle);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        abandoned = true;
        if (hooks.abandon) {
          hooks.abandon();
          settle();
        }
        reject(fail(abortReason(signal)));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      call.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(fail(error));
        },
      );
    });
  }
}

/** Validates a check's options object (plain, only `known` keys); `undefined` is no options. */
export function optionsOf(kind: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  return value === undefined ? {} : optionsObject(kind, value, known);
}

/** A number in [min, max] (`exclusiveMin`: above min); `fallback` when undefined. */
export function numberIn(
  path: string,
  value: unknown,
  fallback: number,
  range: {
    readonly min: number;
    readonly max: number;
    readonly exclusiveMin?: boolean;
    readonly integer?: boolean;
  },
): number {
  if (value === undefined) return fallback;
  const { min, max, exclusiveMin = false, integer = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    throw new InvalidCheckError(
      path,
      `must be ${kind} ${exclusiveMin ? 'above' : 'from'} ${min} up to ${max}`,
      value,
    );
  }
  return value;
}

/** A non-empty string, or undefined when not given. */
export function text(path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidCheckError(path, 'must be a non-empty string', value);
  return value;
}

const ids = new WeakMap<object, number>();
let nextId = 0;

/**
 * A JSON-safe identity for a check on `client`: equal for the same client object and settings, so a
 * reload keeps the state of an unchanged check. (Clients themselves are circular; never stringify them.)
 */
export function clientIdentity(
  kind: string,
  client: object,
  settings: Record<string, unknown> = {},
): unknown {
  let id = ids.get(client);
  if (id === undefined) {
    id = ++nextId;
    ids.set(client, id);
  }
  return { kind, client: id, ...settings };
}

/** `scheme://host:port/path` from what a client was configured with; never userinfo, never a query. */
export function serviceUrl(scheme: string, host: unknown, port: unknown, path?: unknown): string {
  const hostname = typeof host === 'string' && host !== '' ? host : 'localhost';
  const bracketed = isIP(hostname) === 6 ? `[${hostname}]` : hostname;
  const portPart = typeof port === 'number' || (typeof port === 'string' && port !== '') ? `:${port}` : '';
  const pathPart = typeof path === 'string' || typeof path === 'number' ? `/${path}` : '';
  return `${scheme}://${bracketed}${portPart}${pathPart}`;
}

/** A connection URL without its userinfo, query and fragment; `undefined` when it does not parse. */
export function redactedUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return undefined;
  }
}

/** The strings among `values` worth redacting from outputs (passwords given as strings). */
export function secretsOf(...values: unknown[]): string[] {
  return values.filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/** The password in a connection URL's userinfo, decoded, if any. */
export function urlPassword(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
