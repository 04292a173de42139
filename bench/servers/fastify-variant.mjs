// Bare fastify `ok` plus one ingredient of a probekit answer, to price each ingredient head-to-head against the
// bare route. argv: port variant
//   limits  — the sidecar's SERVER_LIMITS (timeouts, header size, requests per socket)
//   headers — the answer's headers (no-store, nosniff, content type) through reply.headers(), string body
//   buffer  — the body as a Buffer (the sidecar sends one, so fastify leaves the content type alone)
//   answer  — core's answer() called on the request path (cached snapshot), the reply itself bare
//   raw     — the answer's headers precomputed once and written with reply.hijack() + res.writeHead()
import { answer, Engine, manual } from '@probekit/core';
import { SERVER_LIMITS } from '@probekit/sidecar';
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const variant = process.argv[3];
const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-type': 'text/plain; charset=utf-8',
};
const limits = {
  connectionTimeout: SERVER_LIMITS.connectionTimeoutMs,
  requestTimeout: SERVER_LIMITS.requestTimeoutMs,
  keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
  maxRequestsPerSocket: SERVER_LIMITS.maxRequestsPerSocket,
  bodyLimit: SERVER_LIMITS.bodyLimit,
  http: {
    maxHeaderSize: SERVER_LIMITS.maxHeaderSize,
    headersTimeout: SERVER_LIMITS.headersTimeoutMs,
    connectionsCheckingInterval: SERVER_LIMITS.connectionsCheckingIntervalMs,
  },
};
const app = Fastify({ logger: false, ...(variant === 'limits' && limits) });
const engine = new Engine({ checks: [{ name: 'dependency', check: manual() }] });
engine.report('dependency', true);
const body = Buffer.from('ok');
const wire = { ...HEADERS, 'content-length': '2' };
let statuses = 0;

const handlers = {
  limits: () => 'ok',
  headers: (_request, reply) => reply.code(200).headers(HEADERS).send('ok'),
  buffer: (_request, reply) => reply.type(HEADERS['content-type']).send(body),
  answer: (request) => {
    const reply = answer(engine.snapshot(), {
      method: request.method,
      url: '/readyz',
      accept: request.headers.accept,
      authorization: request.headers.authorization,
    });
    statuses += reply.status; // used, so that the call is not optimised away
    return 'ok';
  },
  raw: (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, wire);
    reply.raw.end('ok');
  },
};
const handler = handlers[variant];
if (!handler) throw new Error(`unknown variant ${variant}`);
app.get('/ok', handler);
await app.listen({ port, host: '127.0.0.1' });
process.on('exit', () => statuses);
