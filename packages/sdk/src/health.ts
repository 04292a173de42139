// createHealth(): the engine, the app's own switches (started, not ready, shutting down) and the shutdown sequence,
// composed from the options resolved in health-options.ts.
import { EventEmitter } from 'node:events';
import {
  type Answer,
  type AnswerOptions,
  answer,
  type ChangeEvent,
  type CheckSpec,
  Engine,
  manual,
  type OutageChange,
  type ProbeKind,
  type ProbeRequest,
  registerMetrics,
  type Snapshot,
} from '@probekit/core';
import { fleetzAnswer } from '@probekit/core/internal';
import type { Registry } from 'prom-client';
import { InvalidOptionError } from './errors.js';
import { BUILTIN_CHECKS, type HealthOptions, resolveHealthOptions } from './health-options.js';
import type { Logger } from './logger.js';
import type { HookPhase, ShutdownHook, ShutdownPhase, ShutdownResult } from './shutdown/options.js';
import { SHUTTING_DOWN, Shutdown } from './shutdown/sequence.js';
import type { AttachableServer } from './shutdown/servers.js';
import { logStates } from './state-log.js';

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
    // Every option is validated before anything is built or registered: a refused health leaves no trace.
    const { logger, details, manualStartup, checks, shutdown, registry, maxConcurrentRuns, fleet, secrets } =
      resolveHealthOptions(options);
    this.logger = logger;
    this.#answerOptions = Object.freeze({ details });
    this.#manualStartup = manualStartup;
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
    this.engine = new Engine({
      checks: [...checks, ...builtins],
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
