// The probe server: fastify with deliberate limits, every probe path answered by core's answer() from the engine's snapshot.
import { type AnswerOptions, answer, type Engine, PROBE_PATHS, wireHeaders } from '@probekit/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * Limits of the probe port. A probe port must survive a slowloris or a flood of junk headers:
 * whoever can reach it must not be able to hold it, since the kubelet's next probe then times out.
 */
export const SERVER_LIMITS = Object.freeze({
  connectionTimeoutMs: 10_000, // a socket with no activity this long is closed
  headersTimeoutMs: 5_000, // the request head must arrive within this (node's default: 60 s)
  requestTimeoutMs: 5_000, // the whole request must arrive within this (node's default: 300 s)
  keepAliveTimeoutMs: 5_000, // an idle keep-alive socket is closed after this (probes and scrapes rarely reuse one)
  connectionsCheckingIntervalMs: 1_000, // how often the two timeouts above are enforced (node's default: 30 s)
  maxHeaderSize: 8 * 1024, // bytes of request head (node's default: 16 KiB)
  bodyLimit: 1024, // bytes of request body: GET and HEAD carry none
});

const TEXT = 'text/plain; charset=utf-8';
const COMMON = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

export interface ProbeServerOptions {
  readonly engine: Engine;
  readonly registry: Registry;
  /** Read on every request, so that a reload can change it. */
  readonly details: () => NonNullable<AnswerOptions['details']>;
}

/** A fastify instance serving /livez, /readyz, /startupz, /healthz, /<kind>/<check> and /metrics. GET and HEAD only. */
export function createProbeServer(options: ProbeServerOptions): FastifyInstance {
  const { engine, registry, details } = options;
  const app = Fastify({
    logger: false,
    connectionTimeout: SERVER_LIMITS.connectionTimeoutMs,
    requestTimeout: SERVER_LIMITS.requestTimeoutMs,
    keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
    // While closing, a request already on an accepted connection still gets its answer from answer(), not
    // fastify's JSON 503: a liveness probe must not read "dead" because the port is about to close.
    return503OnClosing: false,
    bodyLimit: SERVER_LIMITS.bodyLimit,
    http: {
      maxHeaderSize: SERVER_LIMITS.maxHeaderSize,
      headersTimeout: SERVER_LIMITS.headersTimeoutMs,
      connectionsCheckingInterval: SERVER_LIMITS.connectionsCheckingIntervalMs,
    },
  });

  const probe = (request: FastifyRequest, reply: FastifyReply) => {
    const found = answer(
      engine.snapshot(),
      {
        method: request.method,
        url: request.url,
        accept: request.headers.accept,
        authorization: request.headers.authorization,
      },
      { details: details() },
    );
    if (!found)
      return reply
        .code(404)
        .headers({ ...COMMON, 'content-type': TEXT })
        .send('not found\n');
    // Written raw, in one writeHead + end: fastify's reply pipeline (headers one by one, a Buffer body in
    // a second write) costs ~20% more per probe than a bare route (bench/ANALYSIS.md).
    reply.hijack();
    reply.raw.writeHead(found.status, wireHeaders(found));
    reply.raw.end(request.method === 'HEAD' ? undefined : found.body);
    return reply;
  };

  const metrics = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply
        .code(405)
        .headers({ ...COMMON, 'content-type': TEXT, allow: 'GET, HEAD' })
        .send('method not allowed\n');
    }
    const body = await registry.metrics();
    return reply
      .code(200)
      .headers({ ...COMMON, 'content-type': registry.contentType })
      .send(body);
  };

  for (const segment of Object.values(PROBE_PATHS)) {
    app.all(`/${segment}`, probe);
    app.all(`/${segment}/*`, probe);
  }
  app.all('/metrics', metrics);
  // Methods fastify does not route (PROPFIND, …) land here too, and get their 405 like any other.
  app.setNotFoundHandler((request, reply) =>
    isMetricsPath(request.url) ? metrics(request, reply) : probe(request, reply),
  );
  return app;
}

function isMetricsPath(url: string): boolean {
  return url === '/metrics' || url.startsWith('/metrics?');
}
