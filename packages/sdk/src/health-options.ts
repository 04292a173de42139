// createHealth()'s options: what an app may pass (HealthOptions), each option checked and resolved once, in one
// order, before anything is built — so a refused health leaves no trace.
import { hostname } from 'node:os';
import type { AnswerOptions, CheckSpec, FleetOptions } from '@probekit/core';
import { defaultMemberId, type ResolvedFleet, resolveFleet } from '@probekit/core/internal';
import type { Registry } from 'prom-client';
import { InvalidOptionError } from './errors.js';
import { type Logger, resolveLogger } from './logger.js';
import { type ResolvedShutdown, resolveShutdown, type ShutdownOptions } from './shutdown/options.js';
import { SHUTDOWN_CHECK } from './shutdown/sequence.js';
import { optionsObject } from './validate.js';

export interface HealthOptions {
  /** The app's checks: dependency checks gate readiness by default. @default [] */
  readonly checks?: readonly CheckSpec[];
  /**
   * Registers probekit's metrics on this prom-client registry. prom-client's global registry is
   * used only if you pass it (`{ registry: register }`).
   * @default false
   */
  readonly metrics?: { readonly registry: Registry } | false;
  /**
   * `manual`: a check named `started` fails startup (and so readiness, with the reason `starting`)
   * until `markStarted()`. `auto`: startup passes once the startup checks you declared pass.
   * @default 'auto'
   */
  readonly startup?: 'auto' | 'manual';
  /**
   * Who may see reasons (`?verbose`, JSON details, failing checks): `true` everyone, `false` no
   * one, `{ token }` only requests with `Authorization: Bearer <token>`. Others get the bare status.
   * @default true
   */
  readonly details?: boolean | { readonly token: string };
  /** Graceful shutdown on signals; `false` installs no signal handler (`health.shutdown()` still works). @default {} */
  readonly shutdown?: ShutdownOptions | false;
  /**
   * At most this many check runs at once.
   * @default 32
   */
  readonly maxConcurrentRuns?: number;
  /** Values (passwords, tokens) to blank out of every reason. @default [] */
  readonly secrets?: readonly string[];
  /**
   * Where the few log lines go (state changes and why, each check's first result, shutdown, checks that could not
   * run): a pino or fastify logger works.
   * @default JSON lines on stderr
   */
  readonly logger?: Logger;
  /**
   * The fleet of replicas this one belongs to: checks with `scope: 'shared'` stay ready through a failure most of
   * the fleet shares (docs/fleet.md), and every adapter serves `GET /fleetz`. `member` defaults to `$POD_NAME`,
   * else `$HOSTNAME`, else the host name (and `peers.port`); DNS peers need `peers.port`.
   * @default false
   */
  readonly fleet?: FleetOptions | false;
}

/** Names of the checks the SDK adds itself; an app's checks cannot use them. */
export const BUILTIN_CHECKS = Object.freeze({
  /** Startup gate in `startup: 'manual'` mode, passed by `markStarted()`. */
  started: 'started',
  /** The not-ready switch of `setNotReady()` / `setReady()`. */
  readySwitch: 'ready-switch',
  /** Fails readiness once shutdown starts, as kube-apiserver's `[-]shutdown`. */
  shutdown: SHUTDOWN_CHECK,
});

const RESERVED = new Set<string>(Object.values(BUILTIN_CHECKS));
const KEYS = [
  'checks',
  'metrics',
  'startup',
  'details',
  'shutdown',
  'maxConcurrentRuns',
  'secrets',
  'logger',
  'fleet',
];

/** createHealth()'s options, checked, with their defaults. */
export interface ResolvedHealthOptions {
  readonly logger: Logger;
  readonly details: NonNullable<AnswerOptions['details']>;
  /** `startup: 'manual'`. */
  readonly manualStartup: boolean;
  /** The app's own checks. */
  readonly checks: readonly CheckSpec[];
  readonly shutdown: ResolvedShutdown;
  readonly registry: Registry | undefined;
  /** `undefined`: the engine's default. */
  readonly maxConcurrentRuns: number | undefined;
  readonly fleet: ResolvedFleet | undefined;
  /** The `secrets` option, and the details token if there is one. */
  readonly secrets: readonly string[];
}

/** Checks every option of createHealth(), in the order their errors are reported; throws InvalidOptionError. */
export function resolveHealthOptions(options: unknown): ResolvedHealthOptions {
  const o = optionsObject('options', options, KEYS);
  const logger = resolveLogger(o['logger']);
  const details = resolveDetails(o['details']);
  const manualStartup = resolveStartup(o['startup']);
  const checks = resolveUserChecks(o['checks']);
  const shutdown = resolveShutdown(o['shutdown']);
  const registry = resolveRegistry(o['metrics']);
  const maxConcurrentRuns = resolveMaxConcurrentRuns(o['maxConcurrentRuns']);
  const fleet = resolveHealthFleet(o['fleet']);
  const secrets = resolveSecrets(o['secrets']);
  if (typeof details === 'object') secrets.push(details.token);
  return { logger, details, manualStartup, checks, shutdown, registry, maxConcurrentRuns, fleet, secrets };
}

function resolveDetails(value: unknown): NonNullable<AnswerOptions['details']> {
  if (value === undefined) return true;
  if (typeof value === 'boolean') return value;
  const o = optionsObject('details', value, ['token']);
  const token = o['token'];
  if (typeof token !== 'string' || token.length === 0) {
    // Never echo what may be a secret: name its type only.
    throw new InvalidOptionError('details.token', 'must be a non-empty string', typeof token);
  }
  return Object.freeze({ token });
}

function resolveStartup(value: unknown): boolean {
  if (value === undefined || value === 'auto') return false;
  if (value === 'manual') return true;
  throw new InvalidOptionError('startup', "must be 'auto' or 'manual'", value);
}

function resolveUserChecks(value: unknown): readonly CheckSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidOptionError('checks', 'must be an array', value);
  for (const [i, spec] of value.entries()) {
    const name: unknown = (spec as CheckSpec | null)?.name;
    if (typeof name === 'string' && RESERVED.has(name)) {
      throw new InvalidOptionError(
        `checks[${i}].name`,
        `is reserved for the SDK's own checks (${[...RESERVED].join(', ')})`,
        name,
      );
    }
  }
  return value as readonly CheckSpec[];
}

// The environment is read here, at createHealth(), only for a fleet's default member id (never at import).
function resolveHealthFleet(value: unknown): ResolvedFleet | undefined {
  if (value === undefined || value === false) return undefined;
  const peers = (value as { peers?: { port?: unknown } } | null)?.peers;
  const port = typeof peers?.port === 'number' ? peers.port : undefined;
  return resolveFleet(value as FleetOptions, { member: defaultMemberId(process.env, hostname(), port) });
}

function resolveSecrets(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((secret) => typeof secret !== 'string')) {
    throw new InvalidOptionError(
      'secrets',
      'must be an array of strings',
      Array.isArray(value) ? 'array' : typeof value,
    );
  }
  return [...value];
}

// The engine checks it too, but as a check error: an option of createHealth() is an InvalidOptionError.
function resolveMaxConcurrentRuns(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidOptionError('maxConcurrentRuns', 'must be an integer of at least 1', value);
  }
  return value;
}

function resolveRegistry(value: unknown): Registry | undefined {
  if (value === undefined || value === false) return undefined;
  const o = optionsObject('metrics', value, ['registry']);
  const registry = o['registry'] as Registry | undefined;
  // Duck-typed: the app's prom-client copy may not be ours, so instanceof would lie.
  if (typeof registry?.registerMetric !== 'function' || typeof registry.metrics !== 'function') {
    throw new InvalidOptionError('metrics.registry', 'must be a prom-client Registry', registry);
  }
  return registry;
}
