// One table of requests, sent over real sockets through every adapter (and fastify's inject()):
// each must give exactly the answer health.answer() (health.fleetz() for /fleetz) gives, and leave other paths to the app.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { healthMiddleware } from '../../src/adapters/express.js';
import { healthPlugin } from '../../src/adapters/fastify.js';
import { createHandler, listen } from '../../src/adapters/node.js';
import { createHealth, type Health, manual } from '../../src/index.js';
import { portOf, type Reply, request } from '../request.js';

const TOKEN = 'conformance-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Row {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The status every adapter must give; `app` = not a probe path, left to the app. */
  readonly expect: number | 'app';
}

const TABLE: readonly Row[] = [
  { path: '/livez', expect: 200 },
  { path: '/readyz', expect: 503 },
  { path: '/startupz', expect: 200 },
  { path: '/healthz', expect: 503 },
  { path: '/readyz?verbose', expect: 503 },
  { path: '/readyz?verbose', headers: AUTH, expect: 503 },
  { path: '/readyz?verbose', headers: { authorization: 'Bearer wrong' }, expect: 503 },
  { path: '/readyz?verbose&exclude=search', headers: AUTH, expect: 200 },
  { path: '/readyz?exclude=search&exclude=nope&verbose', headers: AUTH, expect: 200 },
  { path: '/livez?verbose', headers: AUTH, expect: 200 },
  { path: '/healthz?verbose', headers: AUTH, expect: 503 },
  { path: '/readyz/db', expect: 200 },
  { path: '/readyz/db?verbose', headers: AUTH, expect: 200 },
  // cache is not critical: it only warns in /readyz, but alone it fails (critical shapes only the aggregate).
  { path: '/readyz/cache', expect: 503 },
  { path: '/readyz/cache?verbose', headers: AUTH, expect: 503 },
  { path: '/readyz/search', headers: AUTH, expect: 503 },
  { path: '/readyz/nope', expect: 404 },
  { path: '/livez/db', expect: 404 },
  { path: '/healthz/boot', expect: 200 },
  { path: '/startupz/boot?verbose', headers: AUTH, expect: 200 },
  { path: '/readyz/d%62', expect: 200 },
  { path: '/readyz?format=json', headers: AUTH, expect: 503 },
  { path: '/readyz?format=json', expect: 503 },
  { path: '/readyz', headers: { ...AUTH, accept: 'application/health+json' }, expect: 503 },
  { path: '/livez', headers: { ...AUTH, accept: 'application/json' }, expect: 200 },
  { path: '/healthz?format=json&exclude=search', headers: AUTH, expect: 200 },
  { method: 'HEAD', path: '/readyz', expect: 503 },
  { method: 'HEAD', path: '/livez?verbose', headers: AUTH, expect: 200 },
  { method: 'POST', path: '/readyz', expect: 405 },
  { method: 'DELETE', path: '/livez/queue', expect: 405 },
  // The status page, shown under the details rule: to the token holder; to anyone else the path is the app's.
  { path: '/status', headers: AUTH, expect: 200 },
  { path: '/status?refresh', headers: { ...AUTH, accept: 'text/html' }, expect: 200 },
  { method: 'HEAD', path: '/status', headers: AUTH, expect: 200 },
  { method: 'POST', path: '/status', headers: AUTH, expect: 405 },
  { path: '/status', expect: 'app' },
  // A member of a fleet: /fleetz for anyone (no reasons, no targets in it), GET and HEAD only.
  { path: '/fleetz', expect: 200 },
  { path: '/fleetz?x', expect: 200 },
  { method: 'HEAD', path: '/fleetz', expect: 200 },
  { method: 'POST', path: '/fleetz', expect: 405 },
  { path: '/fleetz/api', expect: 'app' },
  { path: '/status/db', headers: AUTH, expect: 'app' },
  { path: '/readyz/', expect: 'app' },
  { path: '/readyzz', expect: 'app' },
  { path: '/readyz/a/b', expect: 'app' },
  { path: '/app', expect: 'app' },
];

const COMPARED_HEADERS = [
  'content-type',
  'cache-control',
  'x-content-type-options',
  'content-length',
  'allow',
  'content-security-policy',
];

function makeHealth(): Health {
  const checks = ['db', 'search', 'boot', 'queue'].map((name) => ({ name, check: manual() }));
  const health = createHealth({
    checks: [
      ...checks.filter((c) => c.name !== 'boot' && c.name !== 'queue'),
      { name: 'cache', check: manual(), critical: false },
      { name: 'boot', check: manual(), probes: ['startup'] },
      { name: 'queue', check: manual(), probes: ['liveness', 'readiness'] },
      { name: 'api', check: manual(), scope: 'shared' },
    ],
    details: { token: TOKEN },
    shutdown: false,
    fleet: { member: 'conformance', peers: { static: [] } },
  });
  health.engine.report('api', true);
  health.engine.report('db', true);
  health.engine.report('search', { ok: false, output: 'connect ECONNREFUSED 127.0.0.1:9200' });
  health.engine.report('cache', { ok: false, output: 'connect ECONNREFUSED 127.0.0.1:6379' });
  health.engine.report('boot', true);
  health.engine.report('queue', true);
  return health;
}

interface Harness {
  readonly name: string;
  send(row: Row): Promise<Reply>;
  close(): Promise<void>;
}

const NOT_MINE = 'left to the app\n';

async function nodeHarness(health: Health): Promise<Harness> {
  const handle = createHandler(health);
  const server = createServer((req, res) => {
    if (handle(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end(NOT_MINE);
  });
  return serverHarness('node:http createHandler', await listening(server));
}

async function expressHarness(health: Health): Promise<Harness> {
  const app = express();
  app.use(healthMiddleware(health));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send(NOT_MINE);
  });
  return serverHarness('express healthMiddleware', await listening(createServer(app)));
}

async function fastifyApp(health: Health): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(healthPlugin, { health });
  assert.equal(app.health, health, 'the plugin decorates app.health (typed by its module augmentation)');
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain').send(NOT_MINE));
  return app;
}

async function fastifyHarness(health: Health): Promise<Harness> {
  const app = await fastifyApp(health);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    name: 'fastify plugin',
    send: (row) => request(portOf(app.server), row),
    close: () => app.close(),
  };
}

async function injectHarness(health: Health): Promise<Harness> {
  const app = await fastifyApp(health);
  await app.ready();
  return {
    name: 'fastify plugin, inject()',
    async send(row) {
      const res = await app.inject({
        method: (row.method ?? 'GET') as 'GET',
        url: row.path,
        headers: row.headers ?? {},
      });
      return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: res.body };
    },
    close: () => app.close(),
  };
}

async function standaloneHarness(health: Health): Promise<Harness> {
  const server = await listen(health, { port: 0, host: '127.0.0.1' });
  return serverHarness('standalone listen()', server);
}

function serverHarness(name: string, server: Server): Harness {
  return {
    name,
    send: (row) => request(portOf(server), row),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function listening(server: Server): Promise<Server> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('every adapter gives the same answers to the same requests', () => {
  const health = makeHealth();
  const harnesses: Harness[] = [];

  before(async () => {
    harnesses.push(
      await nodeHarness(health),
      await expressHarness(health),
      await fastifyHarness(health),
      await injectHarness(health),
      await standaloneHarness(health),
    );
    // The adapters started the engine and its fleet. One round now, and none after it: a round changes the status
    // page (its time and count), and one landing between the reference answer and an adapter's would differ.
    health.engine.fleet!.stop();
    await health.engine.fleet!.refresh();
  });

  after(async () => {
    await Promise.all(harnesses.map((harness) => harness.close()));
    await health.stop();
  });

  for (const row of TABLE) {
    const label = `${row.method ?? 'GET'} ${row.path}${row.headers ? ` ${JSON.stringify(row.headers)}` : ''}`;
    it(label, async () => {
      const reference = /^\/fleetz(\?|$)/.test(row.path)
        ? health.fleetz(row.method ?? 'GET')
        : health.answer({
            method: row.method ?? 'GET',
            url: row.path,
            accept: row.headers?.accept,
            authorization: row.headers?.authorization,
          });
      if (row.expect === 'app') assert.equal(reference, undefined, 'the table says this is not a probe path');
      else assert.equal(reference?.status, row.expect, 'the table and health.answer() disagree');
      const head = row.method === 'HEAD';
      for (const harness of harnesses) {
        const reply = await harness.send(row);
        const where = `${harness.name}: ${label}`;
        if (!reference) {
          assert.equal(reply.status, 404, where);
          // The standalone server has no app behind it: its own 404, never a probe answer.
          assert.equal(reply.body, harness.name === 'standalone listen()' ? 'not found\n' : NOT_MINE, where);
          continue;
        }
        assert.equal(reply.status, reference.status, where);
        assert.equal(reply.body, head ? '' : reference.body, where);
        const expected: Record<string, string> = {
          ...reference.headers,
          'content-length': String(Buffer.byteLength(reference.body)),
        };
        for (const name of COMPARED_HEADERS)
          assert.equal(reply.headers[name], expected[name], `${where}: ${name}`);
      }
    });
  }

  it('shows reasons only to the token holder', async () => {
    const [first] = harnesses;
    const open = await first!.send({ path: '/readyz?verbose', expect: 503 });
    const shown = await first!.send({ path: '/readyz?verbose', headers: AUTH, expect: 503 });
    assert.equal(open.body, 'readyz check failed\n');
    assert.match(
      shown.body,
      /^\[-\]search failed: connect ECONNREFUSED 127\.0\.0\.1:9200 \(failing since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, \d+ in a row\)$/m,
    );
    assert.match(shown.body, /^\[~\]cache warn: connect ECONNREFUSED/m);
    assert.match(shown.body, /^\[\+\]shutdown ok$/m);
  });
});

describe('adapters under a path prefix', () => {
  it('express mounted at /health answers /health/readyz', async () => {
    const health = createHealth({ checks: [{ name: 'db', check: manual() }], shutdown: false });
    health.engine.report('db', true);
    const app = express();
    app.use('/health', healthMiddleware(health));
    const server = await listening(createServer(app));
    try {
      const reply = await request(portOf(server), { path: '/health/readyz/db?verbose' });
      assert.equal(reply.status, 200);
      assert.equal(reply.body, '[+]db ok\nreadyz check passed\n');
    } finally {
      server.close();
      await health.stop();
    }
  });

  it('fastify registered in a prefixed context answers /health/readyz', async () => {
    const health = createHealth({ checks: [{ name: 'db', check: manual() }], shutdown: false });
    health.engine.report('db', true);
    const app = Fastify();
    await app.register(async (child) => child.register(healthPlugin, { health }), { prefix: '/health' });
    try {
      const reply = await app.inject({ url: '/health/readyz/db?verbose' });
      assert.equal(reply.statusCode, 200);
      assert.equal(reply.body, '[+]db ok\nreadyz check passed\n');
      assert.equal((await app.inject({ url: '/readyz' })).statusCode, 404);
    } finally {
      await app.close();
    }
  });
});
