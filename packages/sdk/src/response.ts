// The response rules of every probekit host — the SDK's adapters, its probe server and the sidecar: which
// requests are probekit's (the probe paths, /metrics and /fleetz where served), the answer to each, and how it is written.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  ANSWER_HEADERS,
  type Answer,
  METHOD_NOT_ALLOWED,
  PROBE_PATHS,
  type ProbeRequest,
  STATUS_PATH,
  wireHeaders,
} from '@probekit/core';
import { isFleetzPath } from '@probekit/core/internal';
import type { Registry } from 'prom-client';

/** What a host answers from: its probe answers (core's `answer()` over its snapshot) and, if it serves one, a registry. */
export interface Responder {
  answer(request: ProbeRequest): Answer | undefined;
  /** Served on `/metrics`; undefined: `/metrics` is not probekit's. */
  readonly metrics: Registry | undefined;
  /** This member's `/fleetz` (docs/fleet.md); undefined, or answering undefined: not in a fleet, not probekit's. */
  readonly fleetz?: ((method: string | undefined) => Answer | undefined) | undefined;
}

// Cheap prefilter for an app's own traffic: one anchored regex test, no allocation, before any parsing.
// The status page is answered like a probe (answer() decides, under the details rule).
const PROBE_PREFIX = new RegExp(
  `^/(?:${[...Object.values(PROBE_PATHS), STATUS_PATH.slice(1)].join('|')})(?:[/?]|$)`,
);
const METRICS_PATH = '/metrics';

/**
 * The answer to a request, or `undefined` when it is not probekit's: the app answers it, or a server of
 * probekit's own answers `NOT_FOUND`. Every host funnels into this one function.
 */
export function respond(responder: Responder, request: ProbeRequest): Answer | Promise<Answer> | undefined {
  if (responder.metrics && isMetricsPath(request.url))
    return metricsAnswer(responder.metrics, request.method);
  if (responder.fleetz && isFleetzPath(request.url)) {
    const reply = responder.fleetz(request.method);
    if (reply) return reply;
  }
  return PROBE_PREFIX.test(request.url) ? responder.answer(request) : undefined;
}

/** What `answer()` reads of a node request. */
export function probeRequest(req: IncomingMessage, url = req.url ?? '/'): ProbeRequest {
  return {
    method: req.method ?? 'GET',
    url,
    accept: req.headers.accept,
    authorization: req.headers.authorization,
  };
}

/** Writes an answer in one writeHead; HEAD gets the headers (content-length included) and no body. */
export function send(res: ServerResponse, reply: Answer, head: boolean): void {
  res.writeHead(reply.status, wireHeaders(reply) as OutgoingHttpHeaders);
  res.end(head ? undefined : reply.body);
}

/** Writes an answer that may still be coming (`/metrics` collects asynchronously). */
export function sendWhenReady(res: ServerResponse, reply: Answer | Promise<Answer>, head: boolean): void {
  if (reply instanceof Promise) void reply.then((ready) => send(res, ready, head));
  else send(res, reply, head);
}

function isMetricsPath(url: string): boolean {
  return url === METRICS_PATH || (url.startsWith(METRICS_PATH) && url.charCodeAt(METRICS_PATH.length) === 63); // '?'
}

/** The `/metrics` answer: the registry's exposition text, or 405 for methods other than GET and HEAD. */
async function metricsAnswer(registry: Registry, method: string | undefined): Promise<Answer> {
  if (method !== undefined && method !== 'GET' && method !== 'HEAD') return METHOD_NOT_ALLOWED;
  try {
    const body = await registry.metrics();
    return { status: 200, headers: { ...ANSWER_HEADERS, 'content-type': registry.contentType }, body };
  } catch (error) {
    // A collect() callback threw: say so, without its stack.
    return {
      status: 500,
      headers: { ...ANSWER_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
      body: `metrics collection failed: ${(error as Error)?.message}\n`,
    };
  }
}
