// The running sidecar: engine, probe server, reload and the shutdown sequence (not-ready first, then drain).

import type { Server } from 'node:http';
import { type AnswerOptions, Engine, manual } from '@probekit/core';
import { redact } from '@probekit/core/internal';
import type { ShutdownResult } from '@probekit/sdk';
import {
  listenOn,
  logStates,
  resolveShutdown,
  SHUTDOWN_CHECK,
  SHUTTING_DOWN,
  Shutdown,
} from '@probekit/sdk/internal';
import type { SidecarConfig } from './config/load.js';
import { ConfigError, formatProblem } from './errors.js';
import { type Logger, sdkLogger } from './log.js';
import { createRegistry } from './metrics.js';
import { createProbeServer } from './server.js';

/** Flags that win over the file, on start and on every reload. */
export interface Overrides {
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  readonly shutdownDelaySeconds?: number | undefined;
}

export interface SidecarOptions {
  readonly config: SidecarConfig;
  /** Loads the config again, for reload(); throws ConfigError when the new config is invalid. */
  readonly load: () => Promise<SidecarConfig>;
  readonly log: Logger;
  readonly overrides?: Overrides;
}

/** What a reload or a shutdown was caused by, for the log. */
export type Trigger = 'SIGHUP' | 'file' | 'SIGTERM' | 'SIGINT' | (string & {});

export interface Sidecar {
  readonly engine: Engine;
  readonly server: Server;
  /** `http://host:port` as listening. */
  readonly url: string;
  /** Re-reads the config; a valid one replaces the checks (unchanged ones keep their state), an invalid one is logged and ignored. */
  reload(trigger: Trigger): Promise<void>;
  /**
   * The SDK's shutdown sequence: readiness fails at once, answers go on for the shutdown delay, then the server
   * closes and the engine stops. Later calls get the same result.
   */
  shutdown(trigger: Trigger): Promise<ShutdownResult>;
  /** A signal: the first starts the shutdown, a second ends it at once (exit code 128 + its number). */
  signal(signal: NodeJS.Signals): void;
}

/**
 * Seconds the shutdown may take past the delay before connections are cut: a request on the probe port ends
 * within the server's limits (5 s), so closing takes far less.
 */
const CLOSE_GRACE_SECONDS = 10;

/** Starts the engine and the probe server; resolves once listening. */
export async function startSidecar(options: SidecarOptions): Promise<Sidecar> {
  const { log, load, overrides = {} } = options;
  let config = options.config;
  let sequence: Shutdown | undefined;
  let reloading: Promise<void> = Promise.resolve();
  const secrets = config.secrets;

  const engine = new Engine({ checks: config.checks, secrets });
  const states = logStates(engine, sdkLogger(log), secrets);
  const server = createProbeServer({
    engine,
    registry: createRegistry(engine),
    details: (): NonNullable<AnswerOptions['details']> => config.server.details,
  });
  const port = overrides.port ?? config.server.port;
  const host = overrides.host ?? config.server.host;
  await listenOn(server, port, host);
  // The checks start once the port serves: their first runs (an exec check's spawns among them) would otherwise
  // hold up the first /livez, which needs none of them; /readyz answers "not ready" until they have run.
  engine.start();
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  // Resolved with the port as bound (a --port flag, or 0): DNS peers and the default member id use it.
  engine.setFleet(config.fleet?.(bound));
  log('info', 'listening', { url, source: config.source, checks: engine.checks.map((check) => check.name) });
  logWarnings(log, config);

  const reloadOnce = async (trigger: Trigger) => {
    if (sequence) return;
    let next: SidecarConfig;
    try {
      next = await load();
    } catch (error) {
      // Whatever went wrong, a reload must never take down a running sidecar.
      const errors =
        error instanceof ConfigError
          ? error.problems.map(formatProblem)
          : [redact((error as Error).message, secrets)];
      log('error', 'config reload refused; the running config stays', {
        trigger,
        source: config.source,
        errors,
      });
      return;
    }
    // A touched file, or a ConfigMap update that changed another key: nothing to do.
    if (trigger === 'file' && next.text === config.text) return;
    if (sequence) return;
    const summary = engine.setChecks(next.checks);
    states.expect([...summary.added, ...summary.removed]);
    // A fleet that did not change keeps its rounds and its outages.
    const fleet = next.fleet?.(bound);
    if (JSON.stringify(fleet) !== JSON.stringify(engine.fleet?.options)) engine.setFleet(fleet);
    const restart = (['port', 'host'] as const).filter(
      (key) => overrides[key] === undefined && next.server[key] !== config.server[key],
    );
    config = next;
    log('info', 'config reloaded', { trigger, ...summary });
    logWarnings(log, next);
    if (restart.length > 0) {
      log('warn', 'server settings changed that only apply after a restart', {
        settings: restart.map((key) => `server.${key}`),
      });
    }
  };

  // Built at the first signal, with the delay of the config running then (a reload may have changed it).
  const shutdown = (): Shutdown => {
    if (sequence) return sequence;
    const delay = overrides.shutdownDelaySeconds ?? config.server.shutdownDelaySeconds;
    const settings = resolveShutdown({
      signals: [],
      drainDelaySeconds: delay,
      graceSeconds: delay + CLOSE_GRACE_SECONDS,
      servers: [server],
      exit: false,
    });
    sequence = new Shutdown(settings, {
      logger: sdkLogger(log),
      // As kube-apiserver does: a `shutdown` check gates readiness, so every consumer sees 503 before the port closes.
      notReady: () => {
        engine.setChecks([
          ...config.checks,
          { name: SHUTDOWN_CHECK, check: manual(), probes: ['readiness'] },
        ]);
        engine.report(SHUTDOWN_CHECK, { ok: false, output: SHUTTING_DOWN });
      },
      stopEngine: () => engine.stop(),
      entered: () => {},
    });
    return sequence;
  };

  return {
    engine,
    server,
    url,
    reload(trigger) {
      // Reloads run one after another, so the last file read is the one applied.
      reloading = reloading.then(() => reloadOnce(trigger));
      return reloading;
    },
    // Not queued behind a reload: readiness fails now; a reload finishing later sees the sequence and stops.
    shutdown: (trigger) => shutdown().run(trigger),
    signal: (signal) => shutdown().signal(signal),
  };
}

function logWarnings(log: Logger, config: SidecarConfig): void {
  for (const warning of config.warnings)
    log('warn', 'config warning', { source: config.source, warning: formatProblem(warning) });
}
