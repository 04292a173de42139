// Graceful shutdown: not ready at once, keep serving through a drain delay, hooks, close the servers, stop, exit.
// Everything is bounded by the grace; a second signal forces the exit at once.
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Server as HttpsServer } from 'node:https';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidOptionError } from './errors.js';
import type { Logger } from './logger.js';
import { boolean, optionsObject, seconds } from './validate.js';

/** A node http, https or http2 server (http2 ones are closed without the keep-alive handling of HTTP/1.1). */
export type NodeServer = HttpServer | HttpsServer | Http2Server | Http2SecureServer;

/** What `health.attach()` takes: a node http(s) server, or an app that owns one and closes it (a fastify instance). */
export type AttachableServer = NodeServer | { readonly server: NodeServer; close(): PromiseLike<unknown> };

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
  readonly exitCode: 0 | 1;
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

interface Closable {
  readonly node: NodeServer;
  /** Closed after the afterClose hooks (the standalone probe server), not with the app's servers. */
  readonly closeLast: boolean;
  /** Stops accepting and resolves once every connection ended. */
  close(): Promise<void>;
}

/** Recognises a server `attach()` accepts; anything else is an InvalidOptionError at `path`. */
function toClosable(server: AttachableServer, path: string, closeLast: boolean): Closable {
  // An app first: a fastify instance has its own close(), which runs the app's onClose hooks.
  if (typeof server === 'object' && server !== null && 'server' in server && isNodeServer(server.server)) {
    if (typeof server.close !== 'function') {
      throw new InvalidOptionError(path, 'must have a close() method, as a fastify instance does', server);
    }
    return { node: server.server, closeLast, close: async () => void (await server.close()) };
  }
  if (isNodeServer(server)) {
    return {
      node: server,
      closeLast,
      // A server that is not listening calls back with ERR_SERVER_NOT_RUNNING: closed is closed.
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }
  throw new InvalidOptionError(
    path,
    'must be an http(s).Server or an app with `server` and `close()` (fastify)',
    server,
  );
}

function isNodeServer(value: unknown): value is NodeServer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as NodeServer).close === 'function' &&
    typeof (value as NodeServer).prependListener === 'function' &&
    typeof (value as NodeServer).listening === 'boolean'
  );
}

// http2 servers have neither: their sessions end with close() or with the process.
function closeIdleConnections(server: NodeServer): void {
  (server as Partial<HttpServer>).closeIdleConnections?.();
}

function closeAllConnections(server: NodeServer): void {
  (server as Partial<HttpServer>).closeAllConnections?.();
}

// From the drain on, every response ends its connection, so keep-alive clients reconnect (elsewhere, once
// endpoints caught up) and no idle socket is left for close() to race with a client's next request.
// HTTP/2 has no Connection header.
function connectionClose(request: IncomingMessage, response: ServerResponse): void {
  if (request.httpVersionMajor === 1 && !response.headersSent) response.setHeader('connection', 'close');
}

function markConnectionClose(server: NodeServer): void {
  (server as HttpServer).prependListener('request', connectionClose);
}

/** What the sequence needs from the health that owns it. */
export interface ShutdownHost {
  readonly logger: Logger;
  /** Fails readiness (not liveness) at once. */
  notReady(): void;
  stopEngine(): Promise<void>;
  entered(phase: ShutdownPhase, reason: string): void;
}

const SWEEP_IDLE_MS = 100;

/** The shutdown sequence of one health: signal handlers, attached servers, hooks. */
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
      () => this.#force(`the grace of ${this.#settings.graceSeconds}s ran out while ${this.#phase}`),
      this.#settings.graceSeconds * 1000,
    );
    this.#sequence().catch((error: unknown) =>
      this.#force(`the shutdown sequence failed: ${message(error)}`),
    );
    return this.#result;
  }

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    if (this.#result) this.#force(`a second signal (${signal}) arrived`);
    else void this.run(signal);
  };

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

  #force(why: string): void {
    if (this.#done) return;
    this.#abort.abort(new Error(why));
    for (const server of this.#servers.keys()) closeAllConnections(server);
    this.#finish(1, true, why);
  }

  #finish(exitCode: 0 | 1, forced: boolean, why?: string): void {
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
