// What the adapters share: writing an Answer to a node response, and the optional /metrics answer.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { type Answer, wireHeaders } from '@probekit/core';
import type { Registry } from 'prom-client';
import { InvalidOptionError } from '../errors.js';
import type { Health } from '../health.js';

const METRICS_PATH = '/metrics';
const TEXT_HEADERS = { 'cache-control': 'no-store', 'content-type': 'text/plain; charset=utf-8' } as const;
export const NOT_FOUND: Answer = { status: 404, headers: TEXT_HEADERS, body: 'not found\n' };

/** Writes an answer in one writeHead; HEAD gets the headers (content-length included) and no body. */
export function send(res: ServerResponse, reply: Answer, head: boolean): void {
  res.writeHead(reply.status, wireHeaders(reply) as OutgoingHttpHeaders);
  res.end(head ? undefined : reply.body);
}

/** The registry an adapter serves on `/metrics`, or undefined; asking without one is an error at setup. */
export function metricsRegistry(health: Health, wanted: boolean): Registry | undefined {
  if (!wanted) return undefined;
  if (!health.registry) {
    throw new InvalidOptionError('options.metrics', 'needs createHealth({ metrics: { registry } })', true);
  }
  return health.registry;
}

export function isMetricsPath(url: string): boolean {
  return url === METRICS_PATH || (url.startsWith(METRICS_PATH) && url.charCodeAt(METRICS_PATH.length) === 63); // '?'
}

/** The `/metrics` answer: the registry's exposition text, or 405 for methods other than GET and HEAD. */
export async function metricsAnswer(registry: Registry, method: string | undefined): Promise<Answer> {
  if (method !== undefined && method !== 'GET' && method !== 'HEAD') {
    return { status: 405, headers: { ...TEXT_HEADERS, allow: 'GET, HEAD' }, body: 'method not allowed\n' };
  }
  try {
    const body = await registry.metrics();
    return {
      status: 200,
      headers: { 'cache-control': 'no-store', 'content-type': registry.contentType },
      body,
    };
  } catch (error) {
    // A collect() callback threw: say so, without its stack.
    return {
      status: 500,
      headers: TEXT_HEADERS,
      body: `metrics collection failed: ${(error as Error)?.message}\n`,
    };
  }
}
