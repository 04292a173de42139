// The one HTTP-agnostic answer: every adapter and the sidecar turn a request into (status, headers, body) here.
// Answers are pure functions of a snapshot, cached per snapshot, so a probe request does no I/O and runs no check.
// Here: the request, the cache, the checks an answer covers and the HTTP framing; the bodies are answer-body.ts's.
import { type Body, bareBody, type ParsedRequest, renderBody } from './answer-body.js';
import { checkStatus, gates, kindState } from './state.js';
import { STATUS_PATH, statusPage } from './status-page.js';
import type { HealthStatus, ProbeKind, Snapshot } from './types.js';

/** An HTTP answer, ready for any server to send. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What an adapter passes in: the raw request line pieces. */
export interface ProbeRequest {
  readonly method?: string;
  /** The path with its query string, as received (`/readyz?verbose&exclude=db`). */
  readonly url: string;
  readonly accept?: string | undefined;
  readonly authorization?: string | undefined;
}

export interface AnswerOptions {
  /**
   * Who may see reasons (`?verbose`, JSON details, failing checks): `true` everyone, `false`
   * no one, `{ token }` only requests with `Authorization: Bearer <token>`. Others get the bare status.
   * @default true
   */
  readonly details?: boolean | { readonly token: string };
}

/** The URL segment of each probe kind, and `healthz` for all of them together. */
export const PROBE_PATHS: Readonly<Record<ProbeKind | 'all', string>> = {
  startup: 'startupz',
  liveness: 'livez',
  readiness: 'readyz',
  all: 'healthz',
};

const KIND_BY_SEGMENT = new Map<string, ProbeKind | 'all'>(
  Object.entries(PROBE_PATHS).map(([kind, segment]) => [segment, kind as ProbeKind | 'all']),
);

const TEXT = 'text/plain; charset=utf-8';
/** The headers on every probekit answer, whatever its status: never cached, never content-sniffed. */
export const ANSWER_HEADERS = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const);
const HTTP_STATUS: Record<HealthStatus, number> = { pass: 200, warn: 200, fail: 503 };
const CONTENT_TYPE: Record<Body['type'], string> = {
  text: TEXT,
  json: 'application/json',
  'health+json': 'application/health+json',
};

/** Answers a probe request from a snapshot, or `undefined` when the path is not a probe path. */
export function answer(
  snapshot: Snapshot,
  request: ProbeRequest,
  options: AnswerOptions = {},
): Answer | undefined {
  const details = detailsAllowed(options.details ?? true, request.authorization);
  const json = jsonFlavour(request.accept);
  // The cache is looked up before anything is parsed: a probe answered once per snapshot costs one lookup.
  const key = `${details ? 'd' : 'p'}${json}${request.url}`;
  const cache = cacheOf(snapshot);
  let rendered = cache.get(key);
  if (rendered === undefined) {
    const parsed = parse(request.url, json);
    rendered = parsed
      ? render(snapshot, parsed, details)
      : details && isStatusPath(request.url)
        ? statusPage(snapshot)
        : null;
    if (cache.size < MAX_CACHED_ANSWERS) cache.set(key, rendered);
  }
  if (rendered === null) return undefined;
  if (request.method !== undefined && request.method !== 'GET' && request.method !== 'HEAD')
    return METHOD_NOT_ALLOWED;
  return rendered;
}

/** Bounds the answers kept per snapshot, whatever query strings clients invent. */
const MAX_CACHED_ANSWERS = 256;

/** The answer to a method other than GET and HEAD on a path probekit serves. */
export const METHOD_NOT_ALLOWED: Answer = Object.freeze({
  status: 405,
  headers: Object.freeze({ ...ANSWER_HEADERS, 'content-type': TEXT, allow: 'GET, HEAD' }),
  body: 'method not allowed\n',
});

/** The answer to a path probekit does not serve, where it owns the server. */
export const NOT_FOUND: Answer = Object.freeze({
  status: 404,
  headers: Object.freeze({ ...ANSWER_HEADERS, 'content-type': TEXT }),
  body: 'not found\n',
});

function jsonFlavour(accept: string | undefined): '' | 'health+json' | 'json' {
  if (accept === undefined || !accept.includes('json')) return '';
  if (accept.includes('application/health+json')) return 'health+json';
  return accept.includes('application/json') ? 'json' : '';
}

const wire = new WeakMap<Answer, Readonly<Record<string, string | number>>>();

/**
 * The answer's headers with its `content-length`, for one `writeHead()`: computed once per answer,
 * since answers are cached per snapshot.
 */
export function wireHeaders(reply: Answer): Readonly<Record<string, string | number>> {
  let headers = wire.get(reply);
  if (!headers) {
    headers = Object.freeze({ ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
    wire.set(reply, headers);
  }
  return headers;
}

// The answers of the last snapshots answered from, newest first. A host answers from its engine's latest
// snapshot, so two slots hold every hit (two engines in one process included); a WeakMap keyed by snapshot cost
// more in garbage collection (its ephemerons) than rendering the answer did, once per state change.
const CACHED_SNAPSHOTS = 2;
const recent: { readonly snapshot: Snapshot; readonly answers: Map<string, Answer | null> }[] = [];

function cacheOf(snapshot: Snapshot): Map<string, Answer | null> {
  const index = recent.findIndex((entry) => entry.snapshot === snapshot);
  if (index === 0) return recent[0]!.answers;
  const entry =
    index === -1 ? { snapshot, answers: new Map<string, Answer | null>() } : recent.splice(index, 1)[0]!;
  recent.unshift(entry);
  if (recent.length > CACHED_SNAPSHOTS) recent.pop();
  return entry.answers;
}

function parse(url: string, accepted: '' | 'health+json' | 'json'): ParsedRequest | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const segments = path.split('/');
  if (segments[0] !== '' || segments.length > 3) return undefined;
  const kind = KIND_BY_SEGMENT.get(segments[1] ?? '');
  if (!kind) return undefined;
  let check: string | undefined;
  if (segments.length === 3) {
    check = safeDecode(segments[2] ?? '');
    if (!check) return undefined;
  }
  const params = query === -1 ? undefined : new URLSearchParams(url.slice(query + 1));
  const format = params?.get('format');
  const json: ParsedRequest['json'] = format === 'json' ? 'health+json' : accepted || false;
  return {
    kind,
    check,
    verbose: params?.has('verbose') ?? false,
    json,
    exclude: params?.getAll('exclude').flatMap((value) => value.split(',')) ?? [],
    history: params?.has('history') ?? false,
  };
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

// ATTENTION: constant time in the token's content; hashing first makes the lengths equal.
function detailsAllowed(
  details: NonNullable<AnswerOptions['details']>,
  authorization: string | undefined,
): boolean {
  if (typeof details === 'boolean') return details;
  const match = authorization?.match(/^Bearer\s+(.+)$/i);
  // node:crypto on first use, not when core loads: an app that sets no token never pays for it.
  const { createHash, timingSafeEqual } = process.getBuiltinModule('node:crypto');
  const given = createHash('sha256')
    .update(match?.[1]?.trim() ?? '')
    .digest();
  const expected = createHash('sha256').update(details.token).digest();
  return timingSafeEqual(given, expected) && match !== null && match !== undefined;
}

const NONE: ReadonlySet<string> = new Set();

function render(snapshot: Snapshot, request: ParsedRequest, details: boolean): Answer {
  const segment = PROBE_PATHS[request.kind];
  if (request.check !== undefined) {
    const check = snapshot.byName.get(request.check);
    if (!check || !gates(check, request.kind)) {
      const message = `check ${JSON.stringify(request.check)} is not part of ${segment}\n`;
      return { status: 404, headers: { ...ANSWER_HEADERS, 'content-type': TEXT }, body: message };
    }
    const alone = checkStatus(check, request.kind, true);
    return framed(renderBody(segment, [check], { status: alone }, request, details, [], NONE));
  }
  const excluded = request.exclude.length === 0 ? NONE : new Set(request.exclude);
  // The snapshot already holds each kind's state, decided by the same kindState(); only an exclusion or /healthz
  // (every kind together) needs it decided again.
  const state =
    excluded.size === 0 && request.kind !== 'all'
      ? snapshot.probes[request.kind]
      : kindState(snapshot.checks, request.kind, excluded);
  const bare = bareBody(segment, state.status, request, details);
  if (bare) return framed(bare);
  const members = snapshot.checks.filter((check) => gates(check, request.kind));
  const unmatched = request.exclude.filter((name) => !members.some((check) => check.name === name));
  return framed(renderBody(segment, members, state, request, details, unmatched, excluded));
}

// Probekit's headers for each body type, built once: answers share them (an answer is never changed once made).
const headersFor = (contentType: string) => Object.freeze({ ...ANSWER_HEADERS, 'content-type': contentType });
const HEADERS: Readonly<Record<Body['type'], Readonly<Record<string, string>>>> = {
  text: headersFor(CONTENT_TYPE.text),
  json: headersFor(CONTENT_TYPE.json),
  'health+json': headersFor(CONTENT_TYPE['health+json']),
};

// A body as HTTP: 503 when it fails, 200 otherwise (`warn` included), with probekit's headers.
function framed(body: Body): Answer {
  return { status: HTTP_STATUS[body.status], headers: HEADERS[body.type], body: body.text };
}

function isStatusPath(url: string): boolean {
  return url === STATUS_PATH || (url.startsWith(STATUS_PATH) && url.charCodeAt(STATUS_PATH.length) === 63); // '?'
}
