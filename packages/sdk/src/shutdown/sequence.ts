// The one shutdown sequence of every probekit host (an app through createHealth(), the sidecar): readiness fails
// at once, serving goes on through the drain delay, then hooks, close the servers, hooks, stop, exit.
// Everything is bounded by the grace; a second signal forces the exit at once. Longer than most modules on
// purpose: one class whose methods read top to bottom in the order the sequence runs.
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HookPhase, ResolvedShutdown, ShutdownHook, ShutdownPhase, ShutdownResult } from './options.js';
import {
  type AttachableServer,
  type Closable,
  closeAllConnections,
  closeIdleConnections,
  markConnectionClose,
  type NodeServer,
  toClosable,
} from './servers.js';

/** The check that fails readiness once a shutdown starts, as kube-apiserver's `[-]shutdown`; no app check may use it. */
export const SHUTDOWN_CHECK = 'shutdown';
/** Its reason while it fails. */
export const SHUTTING_DOWN = 'process is shutting down';

/** The exit code of a process ended by a second `signal`: 128 + its number, as a shell reports a signal's end. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** What the sequence needs from the host that owns it: a health, or the sidecar. */
export interface ShutdownHost {
  readonly logger: Logger;
  /** Fails readiness (not liveness) at once. */
  notReady(): void;
  stopEngine(): Promise<void>;
  entered(phase: ShutdownPhase, reason: string): void;
}

const SWEEP_IDLE_MS = 100;

/** The shutdown sequence of one host: signal handlers, attached servers, hooks. */
export class Shutdown {
  readonly #settings: ResolvedShutdown;
  readonly #host: ShutdownHost;
  readonly #servers = new Map<NodeServer, Closable>();
  readonly #hooks: Record<HookPhase, ShutdownHook[]>;
  readonly #abort = new AbortController();
  #installed = false;
  #result: Promise<ShutdownResult> | undefined;
  #resolve: ((result: ShutdownResult) => void) | undefined;
  #reason = '';
  #phase: ShutdownPhase = 'draining';
  #startedAt = 0;
  #graceTimer: NodeJS.Timeout | undefined;
  #failures: string[] = [];
  #done = false;

  constructor(settings: ResolvedShutdown, host: ShutdownHost) {
    this.#settings = settings;
    this.#host = host;
    this.#hooks = { beforeClose: [...settings.beforeClose], afterClose: [...settings.afterClose] };
    for (const [i, server] of settings.servers.entries())
      this.attach(server, false, `shutdown.servers[${i}]`);
  }

  get inProgress(): boolean {
    return this.#result !== undefined;
  }

  attach(server: AttachableServer, closeLast: boolean, path = 'server'): void {
    const closable = toClosable(server, path, closeLast);
    // An app (fastify) wins over its bare server: app.close() runs the app's own onClose hooks.
    const known = this.#servers.has(closable.node);
    if (known && closable.node === server) return;
    this.#servers.set(closable.node, closable);
    if (this.#result && !known) markConnectionClose(closable.node);
  }

  addHook(phase: HookPhase, hook: ShutdownHook): void {
    if (phase !== 'beforeClose' && phase !== 'afterClose') {
      throw new InvalidOptionError('phase', 'must be beforeClose or afterClose', phase);
    }
    if (typeof hook !== 'function') throw new InvalidOptionError('hook', 'must be a function', hook);
    this.#hooks[phase].push(hook);
  }

  /** Listens for the configured signals; warns when the app listens too, since both will run. */
  install(): void {
    if (this.#installed || this.#done) return;
    this.#installed = true;
    for (const signal of this.#settings.signals) {
      const others = process.listenerCount(signal);
      if (others > 0) {
        this.#host.logger.warn(
          { signal, listeners: others },
          `another ${signal} listener is installed and will run too; probekit ends the process when its shutdown is done ` +
            '(to own the order, pass shutdown: { signals: [] } and call health.shutdown() from your handler)',
        );
      }
      process.on(signal, this.#onSignal);
    }
  }

  uninstall(): void {
    if (!this.#installed) return;
    this.#installed = false;
    for (const signal of this.#settings.signals) process.off(signal, this.#onSignal);
  }

  /** Starts the sequence (once; later calls get the same result). */
  run(reason: string): Promise<ShutdownResult> {
    if (this.#result) return this.#result;
    this.#result = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#reason = reason;
    this.#startedAt = performance.now();
    // ATTENTION: ref'd on purpose: whatever hangs, this timer ends the process by the grace.
    this.#graceTimer = setTimeout(
      () => this.#force(`the grace of ${this.#settings.graceSeconds}s ran out while ${this.#phase}`, 1),
      this.#settings.graceSeconds * 1000,
    );
    this.#sequence().catch((error: unknown) =>
      this.#force(`the shutdown sequence failed: ${message(error)}`, 1),
    );
    return this.#result;
  }

  /** A signal for the host: the first starts the sequence, a second ends the process at once. */
  signal(signal: NodeJS.Signals): void {
    if (this.#result) this.#force(`a second signal (${signal}) arrived`, signalExitCode(signal));
    else void this.run(signal);
  }

  readonly #onSignal = (signal: NodeJS.Signals): void => this.signal(signal);

  async #sequence(): Promise<void> {
    const { logger } = this.#host;
    const settings = this.#settings;
    this.#enter('draining');
    this.#host.notReady();
    for (const server of this.#servers.keys()) markConnectionClose(server);
    logger.info(
      {
        reason: this.#reason,
        drainDelaySeconds: settings.drainDelaySeconds,
        graceSeconds: settings.graceSeconds,
      },
      `shutting down (${this.#reason}): readiness fails now; serving ${settings.drainDelaySeconds}s more before closing`,
    );
    if (this.#servers.size === 0) {
      logger.warn(
        {},
        'no server is attached (health.attach(server)): in-flight requests will not be awaited',
      );
    }
    await sleep(settings.drainDelaySeconds * 1000, undefined, { signal: this.#abort.signal }).catch(() => {});
    if (this.#done) return;
    this.#enter('beforeClose');
    await this.#runHooks('beforeClose');
    if (this.#done) return;
    this.#enter('closing');
    await this.#close(false);
    if (this.#done) return;
    this.#enter('afterClose');
    await this.#runHooks('afterClose');
    if (this.#done) return;
    this.#enter('stopping');
    await this.#host.stopEngine();
    await this.#close(true);
    this.#finish(this.#failures.length === 0 ? 0 : 1, false);
  }

  #enter(phase: ShutdownPhase): void {
    this.#phase = phase;
    this.#host.entered(phase, this.#reason);
  }

  // Stops accepting and waits for in-flight requests; connections that turn idle are closed as they do.
  async #close(last: boolean): Promise<void> {
    const closing = [...this.#servers.values()].filter((server) => server.closeLast === last);
    if (closing.length === 0) return;
    const sweep = setInterval(() => {
      for (const server of closing) closeIdleConnections(server.node);
    }, SWEEP_IDLE_MS);
    try {
      await Promise.all(closing.map((server) => server.close()));
    } finally {
      clearInterval(sweep);
    }
  }

  async #runHooks(phase: HookPhase): Promise<void> {
    const timeoutMs = this.#settings.hookTimeoutSeconds * 1000;
    for (const [index, hook] of this.#hooks[phase].entries()) {
      if (this.#done) return;
      const name = hook.name ? `${phase} hook ${hook.name}` : `${phase} hook #${index + 1}`;
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      let onForce: (() => void) | undefined;
      const limit = new Promise<'timeout' | 'forced'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
        onForce = () => resolve('forced');
        this.#abort.signal.addEventListener('abort', onForce, { once: true });
      });
      try {
        const ended = await Promise.race([Promise.resolve().then(() => hook(controller.signal)), limit]);
        if (ended === 'timeout') {
          controller.abort(new Error(`${name} timed out`));
          this.#fail(name, `timed out after ${this.#settings.hookTimeoutSeconds}s`);
        } else if (ended === 'forced') {
          controller.abort(this.#abort.signal.reason);
        }
      } catch (error) {
        this.#fail(name, message(error));
      } finally {
        clearTimeout(timer);
        if (onForce) this.#abort.signal.removeEventListener('abort', onForce);
      }
    }
  }

  #fail(name: string, why: string): void {
    this.#failures.push(`${name}: ${why}`);
    this.#host.logger.error({ reason: this.#reason, hook: name }, `${name} failed during shutdown: ${why}`);
  }

  #force(why: string, exitCode: number): void {
    if (this.#done) return;
    this.#abort.abort(new Error(why));
    for (const server of this.#servers.keys()) closeAllConnections(server);
    this.#finish(exitCode, true, why);
  }

  #finish(exitCode: number, forced: boolean, why?: string): void {
    this.#done = true;
    clearTimeout(this.#graceTimer);
    this.uninstall();
    const durationMs = Math.round(performance.now() - this.#startedAt);
    const result: ShutdownResult = {
      reason: this.#reason,
      exitCode,
      forced,
      durationMs,
      failures: Object.freeze([...this.#failures]),
    };
    const fields = { ...result, exit: this.#settings.exit };
    const ending = this.#settings.exit ? `exiting ${exitCode}` : `exit code ${exitCode}`;
    if (forced) this.#host.logger.error(fields, `shutdown forced: ${why}; connections destroyed; ${ending}`);
    else if (exitCode !== 0)
      this.#host.logger.error(
        fields,
        `shutdown done in ${durationMs}ms with ${this.#failures.length} failed hook(s); ${ending}`,
      );
    else this.#host.logger.info(fields, `shutdown done in ${durationMs}ms; ${ending}`);
    this.#resolve?.(result);
    if (this.#settings.exit) process.exit(exitCode);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
