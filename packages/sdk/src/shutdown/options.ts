// Shutdown options: what the sequence does and for how long, validated once and frozen.
import { constants } from 'node:os';
import { InvalidOptionError } from '../errors.js';
import { boolean, optionsObject, seconds } from '../validate.js';
import type { AttachableServer } from './servers.js';

/**
 * Cleanup work run during shutdown. Its signal aborts when the hook's timeout or the grace runs out;
 * a throw or rejection is logged and makes the exit code 1, the sequence goes on.
 */
export type ShutdownHook = (signal: AbortSignal) => unknown;

/** When a hook runs: `beforeClose` while the servers still accept (stop consumers, cron); `afterClose` once every request finished (close pools). */
export type HookPhase = 'beforeClose' | 'afterClose';

/** The steps of the sequence, in order, as emitted by the health's `shutdown` event. */
export type ShutdownPhase = 'draining' | 'beforeClose' | 'closing' | 'afterClose' | 'stopping';

export interface ShutdownOptions {
  /**
   * Signals that start the shutdown; a second one forces the exit. `[]` installs no handler
   * (call `health.shutdown()` yourself).
   * @default ['SIGTERM', 'SIGINT']
   */
  readonly signals?: readonly NodeJS.Signals[];
  /**
   * Seconds to keep serving after readiness fails, before hooks run and servers close, so that
   * endpoints, kube-proxy, ingresses and load balancers stop sending traffic first.
   * @default 5
   */
  readonly drainDelaySeconds?: number;
  /**
   * Seconds the whole shutdown may take; past it, connections are destroyed and the process exits 1.
   * Keep it below the pod's `terminationGracePeriodSeconds` (30 by default).
   * @default 25
   */
  readonly graceSeconds?: number;
  /**
   * Seconds each hook may take before its signal aborts and the sequence moves on.
   * @default 5
   */
  readonly hookTimeoutSeconds?: number;
  /** Hooks run after the drain delay, before the servers close; in order. @default [] */
  readonly beforeClose?: readonly ShutdownHook[];
  /** Hooks run once the servers closed and in-flight requests finished; in order. @default [] */
  readonly afterClose?: readonly ShutdownHook[];
  /** Servers to close; more can be added with `health.attach()`. @default [] */
  readonly servers?: readonly AttachableServer[];
  /**
   * Call `process.exit()` when done (0, or 1 if a hook failed or the exit was forced). `false`
   * only resolves `health.shutdown()`'s result: for tests and for apps that own their exit.
   * @default true
   */
  readonly exit?: boolean;
}

/** How a shutdown ended; `health.shutdown()` resolves with it. */
export interface ShutdownResult {
  /** The signal (`SIGTERM`) or the reason given to `health.shutdown()`. */
  readonly reason: string;
  /** 0; 1 if a hook failed or the grace ran out; 128 + the signal's number if a second signal ended it (143 for SIGTERM). */
  readonly exitCode: number;
  /** The grace ran out or a second signal arrived: connections were destroyed. */
  readonly forced: boolean;
  readonly durationMs: number;
  /** Hooks that threw or timed out, and why. */
  readonly failures: readonly string[];
}

export interface ResolvedShutdown {
  readonly signals: readonly NodeJS.Signals[];
  readonly drainDelaySeconds: number;
  readonly graceSeconds: number;
  readonly hookTimeoutSeconds: number;
  readonly beforeClose: readonly ShutdownHook[];
  readonly afterClose: readonly ShutdownHook[];
  readonly servers: readonly AttachableServer[];
  readonly exit: boolean;
}

export const SHUTDOWN_DEFAULTS = Object.freeze({
  signals: Object.freeze(['SIGTERM', 'SIGINT'] as NodeJS.Signals[]),
  drainDelaySeconds: 5, // seconds serving with readiness failing
  graceSeconds: 25, // seconds for everything: Kubernetes' default grace (30) less a margin before SIGKILL
  hookTimeoutSeconds: 5, // seconds per hook
  exit: true,
});

const KEYS = [
  'signals',
  'drainDelaySeconds',
  'graceSeconds',
  'hookTimeoutSeconds',
  'beforeClose',
  'afterClose',
  'servers',
  'exit',
];

/** Validates `shutdown` options; `false` means no signal handlers (the sequence stays callable). */
export function resolveShutdown(value: unknown): ResolvedShutdown {
  const o = value === false ? { signals: [] } : optionsObject('shutdown', value ?? {}, KEYS);
  const drainDelaySeconds = seconds(
    'shutdown.drainDelaySeconds',
    o['drainDelaySeconds'],
    SHUTDOWN_DEFAULTS.drainDelaySeconds,
  );
  const graceSeconds = seconds(
    'shutdown.graceSeconds',
    o['graceSeconds'],
    SHUTDOWN_DEFAULTS.graceSeconds,
    0.001,
  );
  if (graceSeconds <= drainDelaySeconds) {
    throw new InvalidOptionError(
      'shutdown.graceSeconds',
      `must be greater than drainDelaySeconds (${drainDelaySeconds})`,
      graceSeconds,
    );
  }
  return Object.freeze({
    signals: resolveSignals(o['signals']),
    drainDelaySeconds,
    graceSeconds,
    hookTimeoutSeconds: seconds(
      'shutdown.hookTimeoutSeconds',
      o['hookTimeoutSeconds'],
      SHUTDOWN_DEFAULTS.hookTimeoutSeconds,
      0.001,
    ),
    beforeClose: hooks('shutdown.beforeClose', o['beforeClose']),
    afterClose: hooks('shutdown.afterClose', o['afterClose']),
    // Each is recognised (or refused, naming shutdown.servers[i]) when the Shutdown attaches it.
    servers: list('shutdown.servers', o['servers']) as readonly AttachableServer[],
    exit: boolean('shutdown.exit', o['exit'], SHUTDOWN_DEFAULTS.exit),
  });
}

function resolveSignals(value: unknown): readonly NodeJS.Signals[] {
  if (value === undefined) return SHUTDOWN_DEFAULTS.signals;
  return Object.freeze(
    list('shutdown.signals', value).map((signal, i) => {
      // SIGKILL and SIGSTOP cannot be caught.
      if (
        typeof signal !== 'string' ||
        !(signal in constants.signals) ||
        signal === 'SIGKILL' ||
        signal === 'SIGSTOP'
      ) {
        throw new InvalidOptionError(
          `shutdown.signals[${i}]`,
          'must be a signal name that can be caught (SIGTERM)',
          signal,
        );
      }
      return signal as NodeJS.Signals;
    }),
  );
}

function hooks(path: string, value: unknown): readonly ShutdownHook[] {
  return list(path, value).map((hook, i) => {
    if (typeof hook !== 'function') throw new InvalidOptionError(`${path}[${i}]`, 'must be a function', hook);
    return hook as ShutdownHook;
  });
}

function list(path: string, value: unknown): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidOptionError(path, 'must be an array', value);
  return value;
}
