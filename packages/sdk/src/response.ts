// The response rules of every probekit host — the SDK's adapters, its probe server and the sidecar: which
// requests are probekit's (the probe paths, the status page, /metrics and /fleetz where served), the answer to
// each, and how it is written.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  ANSWER_HEADERS,
  type Answer,
  FLEETZ_PATH,
  METHOD_NOT_ALLOWED,
  PROBE_PATHS,
  type ProbeRequest,
  STATUS_PATH,
  wireHeaders,
} from '@probekit/core';
import { isFleetzPath } from '@probekit/core/internal';
import type { Registry } from 'prom-client';
import { InvalidOptionError } from './errors.js';
import { optionsObject } from './validate.js';

/** What a host answers from: its probe answers (core's `answer()` over its snapshot) and, if it serves one, a registry. */
export interface Responder {
  answer(request: ProbeRequest): Answer | undefined;
  /** Served on `/metrics`; undefined: `/metrics` is not probekit's. */
  readonly metrics: Registry | undefined;
  /** This member's `/fleetz` (docs/fleet.md); undefined, or answering undefined: not in a fleet, not probekit's. */
  readonly fleetz?: ((method: string | undefined) => Answer | undefined) | undefined;
  /** Where the status page is served (under the details rule); `false`: nowhere, `/status` is the app's. @default STATUS_PATH */
  readonly statusPage?: string | false | undefined;
}

// Cheap prefilter for an app's own traffic: one anchored regex test, no allocation, before any parsing.
// The status page is answered like a probe (answer() decides, under the details rule).
const PROBE_PREFIX = new RegExp(
  `^/(?:${[...Object.values(PROBE_PATHS), STATUS_PATH.slice(1)].join('|')})(?:[/?]|$)`,
);
const METRICS_PATH = '/metrics';
// What a moved status page may not shadow.
const OWN_PATH = new RegExp(
  `^/(?:${[...Object.values(PROBE_PATHS), METRICS_PATH.slice(1), FLEETZ_PATH.slice(1)].join('|')})(?:/|$)`,
);

/**
 * The answer to a request, or `undefined` when it is not probekit's: the app answers it, or a server of
 * probekit's own answers `NOT_FOUND`. Every host funnels into this one function.
 */
export function respond(responder: Responder, request: ProbeRequest): Answer | Promise<Answer> | undefined {
  const { url } = request;
  if (responder.metrics && isAt(url, METRICS_PATH)) return metricsAnswer(responder.metrics, request.method);
  if (responder.fleetz && isFleetzPath(url)) {
    const reply = responder.fleetz(request.method);
    if (reply) return reply;
  }
  const page = responder.statusPage ?? STATUS_PATH;
  if (page !== STATUS_PATH) {
    // Moved: answered as core answers STATUS_PATH, and STATUS_PATH itself is left to the app.
    if (page !== false && isAt(url, page)) {
      return responder.answer({ ...request, url: STATUS_PATH + url.slice(page.length) });
    }
    if (isAt(url, STATUS_PATH)) return undefined;
  }
  return PROBE_PREFIX.test(url) ? responder.answer(request) : undefined;
}

/** The status page's path from an adapter's `statusPage` option (`true`, `false` or `{ path }`). */
export function statusPagePath(value: unknown): string | false {
  if (value === undefined || value === true) return STATUS_PATH;
  if (value === false) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError('options.statusPage', 'must be true, false or { path }', value);
  }
  const path = optionsObject('options.statusPage', value, ['path'])['path'];
  if (typeof path !== 'string' || !/^\/[^?#\s]+$/.test(path)) {
    throw new InvalidOptionError(
      'options.statusPage.path',
      'must be a path from the root, without a query (e.g. /probekit/status)',
      path,
    );
  }
  if (OWN_PATH.test(path)) {
    throw new InvalidOptionError(
      'options.statusPage.path',
      "is one of probekit's own paths (the probes, /metrics, /fleetz)",
      path,
    );
  }
  return path;
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

/** Whether `url` is `path`, with or without a query string. */
function isAt(url: string, path: string): boolean {
  return url === path || (url.startsWith(path) && url.charCodeAt(path.length) === 63); // '?'
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
