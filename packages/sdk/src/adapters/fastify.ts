// The fastify plugin: probe routes over health.answer(), the status page, /metrics when asked, /fleetz in a fleet;
// starts on ready, stops on close.
/// <reference types="node" preserve="true" />

import { FLEETZ_PATH, PROBE_PATHS } from '@probekit/core';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, LogLevel } from 'fastify';
import fp from 'fastify-plugin';
import { InvalidOptionError } from '../errors.js';
import type { Health } from '../health.js';
import { probeRequest, respond, sendWhenReady } from '../response.js';
import { optionsObject } from '../validate.js';
import { HANDLER_OPTIONS, type HandlerOptions, healthResponder } from './node.js';

export interface HealthPluginOptions extends HandlerOptions {
  /** The health to serve, from `createHealth()`. */
  readonly health: Health;
  /** Log level of the probe routes, to keep probe requests out of the request log (`'warn'`). @default the app's */
  readonly logLevel?: LogLevel;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The health the `@probekit/sdk` plugin serves. */
    health: Health;
  }
}

// Async, so that an invalid option rejects app.register() instead of throwing out of avvio.
const plugin: FastifyPluginAsync<HealthPluginOptions> = async (fastify, options) => {
  const { health, logLevel, handler } = resolve(options);
  const responder = healthResponder(health, handler);
  // Under a prefix (registered inside a prefixed context), the rules want the path below it.
  const prefixLength = fastify.prefix.length;
  const routeOptions = logLevel === undefined ? {} : { logLevel };

  const route = (request: FastifyRequest, reply: FastifyReply) => {
    const url = prefixLength === 0 ? request.url : request.url.slice(prefixLength);
    const answer = respond(responder, probeRequest(request.raw, url));
    if (!answer) return reply.callNotFound();
    // Written raw, in one writeHead + end: fastify's reply pipeline costs a bare route ~25% more per
    // probe (bench/ANALYSIS.md). A hijacked reply skips onSend/onResponse hooks: see logLevel.
    reply.hijack();
    sendWhenReady(reply.raw, answer, request.method === 'HEAD');
    return reply;
  };
  // Every method, so that POST /readyz gets the same 405 as through the other adapters.
  for (const segment of Object.values(PROBE_PATHS)) {
    fastify.all(`/${segment}`, routeOptions, route);
    fastify.all(`/${segment}/:check`, routeOptions, route);
  }
  if (responder.statusPage) fastify.all(responder.statusPage, routeOptions, route);
  if (responder.metrics) fastify.all('/metrics', routeOptions, route);
  if (health.engine.fleet) fastify.all(FLEETZ_PATH, routeOptions, route);

  fastify.decorate('health', health);
  health.attach(fastify);
  fastify.addHook('onReady', async () => {
    health.start();
  });
  fastify.addHook('onClose', () => health.stop());
};

function resolve(options: HealthPluginOptions): {
  health: Health;
  logLevel: LogLevel | undefined;
  /** The options every adapter takes, for healthResponder(). */
  handler: Record<string, unknown>;
} {
  const { health, logLevel, ...handler } = optionsObject('options', options, [
    'health',
    'logLevel',
    ...HANDLER_OPTIONS,
  ]);
  // Duck-typed: an app with two copies of the SDK would make instanceof lie.
  const candidate = health as Health | undefined;
  if (typeof candidate?.answer !== 'function' || typeof candidate.attach !== 'function') {
    throw new InvalidOptionError('options.health', 'must be a Health from createHealth()', health);
  }
  if (logLevel !== undefined && typeof logLevel !== 'string') {
    throw new InvalidOptionError('options.logLevel', 'must be a fastify log level', logLevel);
  }
  return { health: candidate, logLevel: logLevel as LogLevel | undefined, handler };
}

/**
 * The fastify plugin (fastify 5): `/livez`, `/readyz`, `/startupz`, `/healthz`, `/<kind>/:check`, the status
 * page (at `/status` unless `statusPage` moves or drops it), and `/metrics` when asked. It decorates
 * `fastify.health`, attaches the app for graceful shutdown, starts the health when the app is ready and stops
 * it when the app closes.
 */
export const healthPlugin = fp(plugin, { name: '@probekit/sdk', fastify: '5.x' });
export default healthPlugin;
