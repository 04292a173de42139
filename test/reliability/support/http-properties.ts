// Property tests of a probe server over raw sockets, shared by the fast test and `npm run fuzz`: requests built
// from random methods, paths, queries and headers, and malformed ones built from random bytes and broken
// framing. Every answer must parse strictly and be one the contract allows; a 5xx other than answer()'s own 503
// is a failure, and so is a valid request left without an answer.
import fc from 'fast-check';
import { parseHealthJson, parseVerbose } from './answers.js';
import { type Exchange, exchange, parseResponses, show, type WireResponse } from './wire.js';

const SEGMENTS = ['readyz', 'livez', 'startupz', 'healthz'] as const;
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,15}$/;
// Headers that change the framing or the connection: they belong to the malformed cases, not these.
const FRAMING = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'expect',
  'upgrade',
  'te',
]);

const pathPiece = fc.oneof(
  fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@".split('')),
  fc.constantFrom('%2F', '%00', '%ZZ', '%', '%25', '%E2%82%AC', '%FF', '%0A', '..', '.', '/', 'db', 'dep'),
);
const segment = fc.array(pathPiece, { maxLength: 10 }).map((pieces) => pieces.join(''));
const visible = fc.string({
  unit: fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), '\t'),
  maxLength: 60,
});

const path = fc.oneof(
  fc.constantFrom(...SEGMENTS).map((kind) => `/${kind}`),
  fc
    .tuple(fc.constantFrom(...SEGMENTS), fc.oneof(fc.constantFrom('db', 'dep', 'nope', 'shutdown'), segment))
    .map(([kind, check]) => `/${kind}/${check}`),
  fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
  fc.constantFrom('/metrics', '/', '//readyz', '/readyz/', '/READYZ', '/work', '*', 'http://other/readyz'),
);
const query = fc.option(
  fc
    .array(
      fc.tuple(
        fc.constantFrom('verbose', 'exclude', 'format', 'x', '', 'verbose[]', 'exclude[0]'),
        fc.option(fc.oneof(fc.constantFrom('json', 'db', 'dep', 'db,dep,nope', ''), segment)),
      ),
      { maxLength: 6 },
    )
    .map(
      (params) => `?${params.map(([key, value]) => (value === null ? key : `${key}=${value}`)).join('&')}`,
    ),
);
const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'HEAD') },
  {
    weight: 4,
    arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'SEARCH'),
  },
);
const headers = fc.record({
  accept: fc.option(
    fc.oneof(
      fc.constantFrom(
        'application/health+json',
        'application/json',
        'text/plain',
        '*/*',
        'application/json;q=0.1, */*',
      ),
      visible,
    ),
  ),
  authorization: fc.option(
    fc.oneof(
      visible.map((value) => `Bearer ${value}`),
      visible,
    ),
  ),
  extra: fc.array(
    fc.tuple(
      fc.stringMatching(HEADER_NAME).filter((name) => !FRAMING.has(name.toLowerCase())),
      visible,
    ),
    { maxLength: 6 },
  ),
  body: fc.option(fc.string({ maxLength: 40 })),
});

export interface ProbeRequestCase {
  readonly method: string;
  readonly target: string;
  readonly bytes: Buffer;
}

/** Well-formed HTTP/1.1 requests with random methods, paths, queries and headers. */
export const requestCase: fc.Arbitrary<ProbeRequestCase> = fc
  .tuple(method, path, query, headers)
  .map(([verb, where, search, { accept, authorization, extra, body }]) => {
    const target = `${where}${search ?? ''}`;
    const lines = [`${verb} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
    if (accept !== null) lines.push(`Accept: ${accept}`);
    if (authorization !== null) lines.push(`Authorization: ${authorization}`);
    for (const [name, value] of extra) lines.push(`${name}: ${value}`);
    const payload = body === null || verb === 'GET' || verb === 'HEAD' ? '' : body;
    if (payload) lines.push(`Content-Length: ${Buffer.byteLength(payload)}`);
    return { method: verb, target, bytes: Buffer.from(`${lines.join('\r\n')}\r\n\r\n${payload}`, 'latin1') };
  });

const brokenLine = fc.oneof(
  fc.constantFrom(
    'GET /readyz HTTP/9.9',
    'GET /readyz',
    'GET  /readyz  HTTP/1.1',
    'get /readyz HTTP/1.1',
    'GET /ready z HTTP/1.1',
    'GET /readyz\u0000 HTTP/1.1',
    'GET /r\u00e9adyz HTTP/1.1',
    'FOO /readyz HTTP/1.1',
    'CONNECT /readyz HTTP/1.1',
    'GET /readyz HTTP/1.1 extra',
    '',
  ),
  fc.string({ maxLength: 60 }).map((text) => `GET /${text} HTTP/1.1`),
  fc.string({ maxLength: 40 }),
);
const brokenHeader = fc.oneof(
  fc.constantFrom(
    'NoColon',
    ' folded: continuation',
    'X-A: a\u0000b',
    'X-A: a\rb',
    'Content-Length: 5',
    'Content-Length: -1',
    'Content-Length: 1, 2',
    'Transfer-Encoding: chunked',
    'Transfer-Encoding: gzip, chunked',
    'Host: a',
    'Host: b',
    ': empty name',
    'X A: space in name',
    'Expect: 100-continue',
    'Upgrade: websocket',
  ),
  fc.string({ maxLength: 40 }),
);

/** Broken requests: random bytes, or a request line and headers with broken framing; each ends with a blank line. */
export const malformedCase: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc
    .tuple(brokenLine, fc.array(brokenHeader, { maxLength: 6 }), fc.string({ maxLength: 30 }))
    .map(([line, lines, tail]) =>
      Buffer.from(`${[line, 'Host: x', ...lines].join('\r\n')}\r\n\r\n${tail}`, 'latin1'),
    ),
);

/** Statuses a probe server may answer to well-formed requests; 415 is fastify's for a body of no known type. */
const VALID = new Set([200, 400, 404, 405, 415, 503]);
/** …and to malformed ones, as node's parser and fastify answer them. */
const MALFORMED = new Set([...VALID, 408, 413, 431]);

/** Why `response` is not an acceptable answer, or undefined. */
function judgeResponse(response: WireResponse, method: string, target: string): string | undefined {
  const ours = response.headers['cache-control'] === 'no-store';
  if (response.status >= 500 && !(response.status === 503 && ours))
    return `${response.status} (not answer()'s 503): ${show(response.body)}`;
  if (response.status === 405 && ours && !response.headers['allow']) return '405 without Allow';
  if (method !== 'GET' || !ours || (response.status !== 200 && response.status !== 503)) return undefined;
  if (!/^\/(readyz|livez|startupz|healthz)(\/|\?|$)/.test(target)) return undefined; // /metrics, the app's pages
  // answer()'s own 200s and 503s: their bodies must be well-formed too.
  const body = response.body.toString('utf8');
  const type = response.headers['content-type'] ?? '';
  try {
    if (type.startsWith('application/health+json') || type.startsWith('application/json')) {
      const parsed = JSON.parse(body) as { status?: unknown };
      if (!['pass', 'warn', 'fail'].includes(String(parsed.status))) return `JSON without a status: ${body}`;
      if ('checks' in parsed) parseHealthJson(response.status, body);
    } else if (body !== 'ok' && body !== 'failed\n' && !/^[a-z]+ check failed\n$/.test(body)) {
      const kind = /^\/([a-z]+)/.exec(target)?.[1] ?? '';
      parseVerbose(response.status, body, kind);
    }
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/** Sends one valid request case; returns why its answer is unacceptable, or undefined. */
export async function checkRequest(port: number, request: ProbeRequestCase): Promise<string | undefined> {
  const result = await exchange(port, request.bytes, { timeoutMs: 3000 });
  return verdict(result, [request.method], request.target, VALID, false);
}

/** Sends one malformed case; returns why the server's reaction is unacceptable, or undefined. */
export async function checkMalformed(port: number, bytes: Buffer): Promise<string | undefined> {
  const result = await exchange(port, bytes, { timeoutMs: 3000, halfClose: true });
  return verdict(result, ['GET'], '', MALFORMED, true);
}

function verdict(
  result: Exchange,
  methods: readonly string[],
  target: string,
  allowed: ReadonlySet<number>,
  silenceAllowed: boolean,
): string | undefined {
  if (result.timedOut) return 'no answer and no close within 3 s';
  if (result.bytes.length === 0)
    return silenceAllowed ? undefined : `closed without an answer (${result.error})`;
  let responses: WireResponse[];
  try {
    responses = parseResponses(result.bytes, methods);
  } catch (error) {
    return `${(error as Error).message}: ${show(result.bytes)}`;
  }
  for (const response of responses) {
    if (response.status === 100) continue; // `Expect: 100-continue` gets its interim answer first
    if (!allowed.has(response.status) && !(response.status === 503)) return `status ${response.status}`;
    const why = judgeResponse(response, methods[0] ?? 'GET', target);
    if (why) return why;
  }
  return undefined;
}
