// createHealth(): the engine, the app's own switches (started, not ready, shutting down) and the shutdown sequence.
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import {
  type Answer,
  type AnswerOptions,
  answer,
  type ChangeEvent,
  type CheckSpec,
  Engine,
  type FleetOptions,
  manual,
  type OutageChange,
  type ProbeKind,
  type ProbeRequest,
  registerMetrics,
  type Snapshot,
} from '@probekit/core';
import { defaultMemberId, fleetzAnswer, type ResolvedFleet, resolveFleet } from '@probekit/core/internal';
import type { Registry } from 'prom-client';
import { InvalidOptionError } from './errors.js';
import { type Logger, resolveLogger } from './logger.js';
import {
  type HookPhase,
  resolveShutdown,
  type ShutdownHook,
  type ShutdownOptions,
  type ShutdownPhase,
  type ShutdownResult,
} from './shutdown/options.js';
import { SHUTDOWN_CHECK, SHUTTING_DOWN, Shutdown } from './shutdown/sequence.js';
import type { AttachableServer } from './shutdown/servers.js';
import { logStates } from './state-log.js';
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

/** Emitted as the health's `shutdown` event when the sequence enters a phase. */
export interface ShutdownPhaseEvent {
  readonly phase: ShutdownPhase;
  readonly reason: string;
}

export interface HealthEvents {
  change: [ChangeEvent];
  shutdown: [ShutdownPhaseEvent];
  /** A shared check's fleet outage began or ended. */
  outage: [OutageChange];
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

/** Creates the health of one process. Nothing runs until `start()` (adapters call it). */
export function createHealth(options: HealthOptions = {}): Health {
  return new Health(options);
}

/** The health of one process: probe answers, the app's switches, and graceful shutdown. */
export class Health extends EventEmitter<HealthEvents> {
  /** The core engine, for what this class does not wrap (`engine.report()` of your own `manual()` checks). */
  readonly engine: Engine;
  /** The registry probekit's metrics are on, if any; adapters serve it on `/metrics` when asked. */
  readonly registry: Registry | undefined;
  readonly logger: Logger;
  readonly #answerOptions: AnswerOptions;
  readonly #manualStartup: boolean;
  readonly #shutdown: Shutdown;

  constructor(options: HealthOptions = {}) {
    super();
    const o = optionsObject('options', options, KEYS);
    this.logger = resolveLogger(o['logger']);
    const details = resolveDetails(o['details']);
    this.#answerOptions = Object.freeze({ details });
    this.#manualStartup = resolveStartup(o['startup']);
    const userChecks = resolveUserChecks(o['checks']);
    // Every option is validated before anything is built or registered: a refused health leaves no trace.
    const shutdown = resolveShutdown(o['shutdown']);
    const registry = resolveRegistry(o['metrics']);
    const maxConcurrentRuns = resolveMaxConcurrentRuns(o['maxConcurrentRuns']);
    const fleet = resolveHealthFleet(o['fleet']);
    const system = (name: string, probes: readonly ProbeKind[]): CheckSpec => ({
      name,
      check: manual({ componentType: 'system' }),
      probes,
    });
    const builtins = [
      ...(this.#manualStartup ? [system(BUILTIN_CHECKS.started, ['startup'])] : []),
      system(BUILTIN_CHECKS.readySwitch, ['readiness']),
      system(BUILTIN_CHECKS.shutdown, ['readiness']),
    ];
    const secrets = resolveSecrets(o['secrets']);
    if (typeof details === 'object') secrets.push(details.token);
    this.engine = new Engine({
      checks: [...userChecks, ...builtins],
      secrets,
      ...(maxConcurrentRuns !== undefined && { maxConcurrentRuns }),
    });
    this.engine.report(BUILTIN_CHECKS.readySwitch, true);
    this.engine.report(BUILTIN_CHECKS.shutdown, true);
    this.engine.setFleet(fleet);
    this.#shutdown = new Shutdown(shutdown, {
      logger: this.logger,
      notReady: () => this.engine.report(BUILTIN_CHECKS.shutdown, { ok: false, output: SHUTTING_DOWN }),
      stopEngine: () => this.engine.stop(),
      entered: (phase, reason) => this.emit('shutdown', { phase, reason }),
    });
    this.engine.on('change', (event) => this.emit('change', event));
    // After the switches' first reports: their `unknown → passing` at construction is no news.
    logStates(this.engine, this.logger, secrets);
    this.engine.on('outage', (event) => this.emit('outage', event));
    // Last: nothing after this can throw, so a refused health never leaves metrics behind.
    this.registry = registry;
    if (registry) registerMetrics(registry, this.engine);
  }

  /** The latest state of every check (cheap: rebuilt only when something changed). */
  snapshot(): Snapshot {
    return this.engine.snapshot();
  }

  /** The probe answer for a request, or `undefined` when its path is not a probe path. Every adapter calls this. */
  answer(request: ProbeRequest): Answer | undefined {
    return answer(this.engine.snapshot(), request, this.#answerOptions);
  }

  /** This member's `GET /fleetz` answer, or `undefined` when it is in no fleet. Every adapter calls this. */
  fleetz(method: string | undefined): Answer | undefined {
    const fleet = this.engine.fleet;
    return fleet ? fleetzAnswer(fleet.fleetz(), method) : undefined;
  }

  /** Starts the checks' schedules and the signal handlers. Idempotent; adapters call it. */
  start(): this {
    if (this.#shutdown.inProgress) return this;
    this.engine.start();
    this.#shutdown.install();
    return this;
  }

  /** Stops the checks and removes the signal handlers (unless a shutdown is under way, which keeps them to its end). */
  async stop(): Promise<void> {
    if (!this.#shutdown.inProgress) this.#shutdown.uninstall();
    await this.engine.stop();
  }

  /** In `startup: 'manual'` mode, passes startup for good (it latches); otherwise does nothing. */
  markStarted(): void {
    if (this.#manualStartup) this.engine.report(BUILTIN_CHECKS.started, true);
  }

  /** Fails readiness (never liveness) with a reason shown in verbose answers, until `setReady()`. */
  setNotReady(reason: string): void {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new InvalidOptionError('reason', 'must be a non-empty string', reason);
    }
    this.engine.report(BUILTIN_CHECKS.readySwitch, { ok: false, output: reason });
  }

  /** Undoes `setNotReady()`. */
  setReady(): void {
    this.engine.report(BUILTIN_CHECKS.readySwitch, true);
  }

  /**
   * Adds a server for the shutdown to close: an http(s).Server, or a fastify instance (its
   * plugin does this itself). `closeLast`: close it after the afterClose hooks, as `listen()` does
   * with its probe server so that probes keep answering while the app drains.
   */
  attach(server: AttachableServer, options: { readonly closeLast?: boolean } = {}): this {
    this.#shutdown.attach(server, options.closeLast === true);
    return this;
  }

  /** Adds a hook: `beforeClose` runs after the drain delay, `afterClose` once the servers closed. */
  onShutdown(phase: HookPhase, hook: ShutdownHook): this {
    this.#shutdown.addHook(phase, hook);
    return this;
  }

  /** Runs the shutdown sequence now, as a signal would; later calls get the same result. */
  shutdown(reason = 'shutdown() was called'): Promise<ShutdownResult> {
    return this.#shutdown.run(reason);
  }

  /** Whether the shutdown sequence has started. */
  get shuttingDown(): boolean {
    return this.#shutdown.inProgress;
  }
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
