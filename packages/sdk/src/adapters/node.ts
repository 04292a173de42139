// The node:http adapter: a handler that composes with any http.createServer app, and a standalone probe server.
// The express adapter is this handler plus next().
/// <reference types="node" preserve="true" />
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { InvalidOptionError } from '../errors.js';
import type { Health } from '../health.js';
import { boolean, optionsObject } from '../validate.js';
import { isMetricsPath, metricsAnswer, metricsRegistry, NOT_FOUND, send } from './respond.js';

export interface HandlerOptions {
  /** Also answer `GET /metrics` from the health's registry (needs `createHealth({ metrics: { registry } })`). @default false */
  readonly metrics?: boolean;
}

/** Answers a probe request and returns true, or returns false without touching `res` so the app can answer. */
export type ProbeHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface ListenOptions extends HandlerOptions {
  /** The port of the probe server; 0 picks a free one. */
  readonly port: number;
  /** @default all interfaces (the kubelet probes the pod IP) */
  readonly host?: string;
}

// Cheap prefilter for the app's own traffic: one anchored regex test, no allocation, before any parsing.
const PROBE_PREFIX = /^\/(?:readyz|livez|startupz|healthz)(?:[/?]|$)/;

/** Returns a handler that answers the probe paths (and `/metrics` when asked); starts the health. */
export function createHandler(health: Health, options: HandlerOptions = {}): ProbeHandler {
  const o = optionsObject('options', options, ['metrics']);
  const registry = metricsRegistry(health, boolean('options.metrics', o['metrics'], false));
  health.start();
  return (req, res) => {
    const url = req.url ?? '/';
    if (registry && isMetricsPath(url)) {
      metricsAnswer(registry, req.method).then((reply) => send(res, reply, req.method === 'HEAD'));
      return true;
    }
    if (!PROBE_PREFIX.test(url)) return false;
    const reply = health.answer({
      method: req.method ?? 'GET',
      url,
      accept: req.headers.accept,
      authorization: req.headers.authorization,
    });
    if (!reply) return false;
    send(res, reply, req.method === 'HEAD');
    return true;
  };
}

/**
 * Serves the probe paths (and `/metrics` when asked) on a port of their own, apart from the app;
 * other paths get 404. Starts the health; the shutdown closes this server last.
 */
export async function listen(health: Health, options: ListenOptions): Promise<Server> {
  const o = optionsObject('options', options, ['port', 'host', 'metrics']);
  const port = o['port'];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidOptionError('options.port', 'must be an integer 0-65535', port);
  }
  const host = o['host'];
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new InvalidOptionError('options.host', 'must be a host name or IP address', host);
  }
  const handle = createHandler(
    health,
    o['metrics'] === undefined ? {} : { metrics: o['metrics'] as boolean },
  );
  // A probe port must outlast a slowloris: a request head gets 5 s, not node's 60, checked every second.
  const limits = { headersTimeout: 5_000, requestTimeout: 5_000, connectionsCheckingInterval: 1_000 };
  const server = createServer(limits, (req, res) => {
    if (!handle(req, res)) send(res, NOT_FOUND, req.method === 'HEAD');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host as string | undefined, () => {
      server.off('error', reject);
      resolve();
    });
  });
  health.attach(server, { closeLast: true });
  return server;
}
