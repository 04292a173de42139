// The node:http adapter: a handler that composes with any http.createServer app, and a standalone probe server.
// The express adapter is this handler plus next().
/// <reference types="node" preserve="true" />
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { InvalidOptionError } from '../errors.js';
import type { Health } from '../health.js';
import { probeRequest, type Responder, respond, sendWhenReady, statusPagePath } from '../response.js';
import { createProbeServer, listenOn } from '../server.js';
import { boolean, listenPort, optionsObject } from '../validate.js';

export interface HandlerOptions {
  /** Also answer `GET /metrics` from the health's registry (needs `createHealth({ metrics: { registry } })`). @default false */
  readonly metrics?: boolean;
  /**
   * The status page (`GET /status`, shown under the `details` rule): `false` serves none and leaves `/status` to
   * the app (which may have a route there), `{ path }` serves it at that path instead.
   * @default true
   */
  readonly statusPage?: boolean | { readonly path: string };
}

/** The options every adapter takes. */
export const HANDLER_OPTIONS: readonly string[] = ['metrics', 'statusPage'];

/** Answers a probe request and returns true, or returns false without touching `res` so the app can answer. */
export type ProbeHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface ListenOptions extends HandlerOptions {
  /** The port of the probe server; 0 picks a free one. */
  readonly port: number;
  /** @default all interfaces (the kubelet probes the pod IP) */
  readonly host?: string;
}

/** Returns a handler that answers the probe paths, the status page (and `/metrics` when asked); starts the health. */
export function createHandler(health: Health, options: HandlerOptions = {}): ProbeHandler {
  const responder = healthResponder(health, optionsObject('options', options, HANDLER_OPTIONS));
  health.start();
  return (req, res) => {
    const reply = respond(responder, probeRequest(req));
    if (reply === undefined) return false;
    sendWhenReady(res, reply, req.method === 'HEAD');
    return true;
  };
}

/**
 * Serves the probe paths (and `/metrics` when asked) on a port of their own, apart from the app, with the
 * probe server's limits; other paths get 404. Starts the health; the shutdown closes this server last.
 */
export async function listen(health: Health, options: ListenOptions): Promise<Server> {
  const o = optionsObject('options', options, ['port', 'host', ...HANDLER_OPTIONS]);
  const port = listenPort('options.port', o['port']);
  const host = o['host'];
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new InvalidOptionError('options.host', 'must be a host name or IP address', host);
  }
  const server = createProbeServer(healthResponder(health, o));
  health.start();
  await listenOn(server, port, host as string | undefined);
  health.attach(server, { closeLast: true });
  return server;
}

/** What an adapter answers from, by its HANDLER_OPTIONS; asking for /metrics without a registry is an error at setup. */
export function healthResponder(health: Health, options: Readonly<Record<string, unknown>>): Responder {
  const metrics = boolean('options.metrics', options['metrics'], false);
  const statusPage = statusPagePath(options['statusPage']);
  if (metrics && !health.registry) {
    throw new InvalidOptionError('options.metrics', 'needs createHealth({ metrics: { registry } })', true);
  }
  const registry: Registry | undefined = metrics ? health.registry : undefined;
  return {
    answer: (request) => health.answer(request),
    metrics: registry,
    fleetz: (method) => health.fleetz(method),
    statusPage,
  };
}
