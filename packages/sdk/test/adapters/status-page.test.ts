// The adapters' `statusPage` option: an app with a /status route of its own keeps it (`false`), or moves
// probekit's page elsewhere (`{ path }`), through fastify, express, node:http and listen(), over real sockets.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, it } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { healthMiddleware } from '../../src/adapters/express.js';
import { healthPlugin } from '../../src/adapters/fastify.js';
import { createHandler, type HandlerOptions, listen } from '../../src/adapters/node.js';
import { createHealth, type Health, InvalidOptionError, manual, STATUS_PAGE_CSP } from '../../src/index.js';
import { portOf, type Reply, request } from '../request.js';

const TOKEN = 'status-page-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const THE_APPS = 'the app’s own status\n';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function makeHealth(details: boolean | { token: string } = true): Health {
  const health = createHealth({ checks: [{ name: 'db', check: manual() }], details, shutdown: false });
  health.engine.report('db', true);
  closers.push(() => health.stop());
  return health;
}

async function serve(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return portOf(server);
}

function isPage(reply: Reply): void {
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(reply.headers['content-security-policy'], STATUS_PAGE_CSP);
  assert.match(reply.body, /^<!doctype html>/);
}

function isTheApps(reply: Reply): void {
  assert.deepEqual([reply.status, reply.body], [200, THE_APPS]);
}

// The app's own GET /status, registered as each framework would.
async function fastifyApp(health: Health, options: Record<string, unknown>): Promise<FastifyInstance> {
  const app = Fastify();
  app.get('/status', async (_request, reply) => reply.type('text/plain').send(THE_APPS));
  await app.register(healthPlugin, { health, ...options });
  closers.push(() => app.close());
  return app;
}

async function expressPort(health: Health, options: HandlerOptions): Promise<number> {
  const app = express();
  app.use(healthMiddleware(health, options));
  app.get('/status', (_req, res) => {
    res.type('text/plain').send(THE_APPS);
  });
  app.use((_req, res) => {
    res.type('text/plain').send(THE_APPS);
  });
  return serve(createServer(app));
}

async function nodePort(health: Health, options: HandlerOptions): Promise<number> {
  const handle = createHandler(health, options);
  return serve(
    createServer((req, res) => {
      if (handle(req, res)) return;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(THE_APPS);
    }),
  );
}

describe('statusPage: false leaves /status to the app', () => {
  it('fastify: an app with its own GET /status starts, and serves its route', async () => {
    const app = await fastifyApp(makeHealth(), { statusPage: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    isTheApps(await request(portOf(app.server), { path: '/status' }));
    assert.equal((await request(portOf(app.server), { path: '/readyz' })).status, 200, 'probes still served');
  });

  it('fastify: without it, the duplicate route is refused at startup (why the option exists)', async () => {
    await assert.rejects(fastifyApp(makeHealth(), {}), { code: 'FST_ERR_DUPLICATED_ROUTE' });
  });

  for (const [name, port] of [
    ['express', expressPort],
    ['node:http', nodePort],
  ] as const) {
    it(`${name}: the app's /status answers, even to the token holder`, async () => {
      const at = await port(makeHealth({ token: TOKEN }), { statusPage: false });
      isTheApps(await request(at, { path: '/status', headers: AUTH }));
      isTheApps(await request(at, { path: '/status?refresh', headers: AUTH }));
      assert.equal((await request(at, { path: '/readyz' })).status, 200);
    });
  }

  it('listen(): /status is not found on the probe port', async () => {
    const server = await listen(makeHealth(), { port: 0, host: '127.0.0.1', statusPage: false });
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const reply = await request(portOf(server), { path: '/status' });
    assert.deepEqual([reply.status, reply.body], [404, 'not found\n']);
  });
});

describe('statusPage: { path } serves the page there', () => {
  const path = '/probekit/status';

  it('fastify: the page at the path, the app’s route at /status', async () => {
    const app = await fastifyApp(makeHealth(), { statusPage: { path } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    isPage(await request(portOf(app.server), { path }));
    isPage(await request(portOf(app.server), { path: `${path}?refresh` }));
    isTheApps(await request(portOf(app.server), { path: '/status' }));
    assert.equal((await request(portOf(app.server), { method: 'POST', path })).status, 405);
  });

  for (const [name, port] of [
    ['express', expressPort],
    ['node:http', nodePort],
  ] as const) {
    it(`${name}: under the details rule, the page at the path; /status is the app's`, async () => {
      const at = await port(makeHealth({ token: TOKEN }), { statusPage: { path } });
      isPage(await request(at, { path, headers: AUTH }));
      const head = await request(at, { method: 'HEAD', path, headers: AUTH });
      assert.deepEqual([head.status, head.body], [200, '']);
      isTheApps(await request(at, { path, headers: { authorization: 'Bearer wrong' } }));
      isTheApps(await request(at, { path: '/status', headers: AUTH }));
      isTheApps(await request(at, { path: `${path}/more`, headers: AUTH }));
    });
  }

  it('listen(): the page at the path, 404 at /status', async () => {
    const server = await listen(makeHealth(), { port: 0, host: '127.0.0.1', statusPage: { path } });
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    isPage(await request(portOf(server), { path }));
    assert.equal((await request(portOf(server), { path: '/status' })).status, 404);
  });

  it('the default is unchanged: the page at /status', async () => {
    const at = await nodePort(makeHealth(), {});
    isPage(await request(at, { path: '/status' }));
    const explicit = await nodePort(makeHealth(), { statusPage: true });
    isPage(await request(explicit, { path: '/status' }));
  });
});

describe('statusPage is checked', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'a misspelt key',
      { statusPag: false },
      /^options\.statusPag: is not an option \(did you mean statusPage\?\)/,
    ],
    [
      'a misspelt path key',
      { statusPage: { pth: '/x' } },
      /^options\.statusPage\.pth: is not an option \(did you mean path\?\)/,
    ],
    ['a relative path', { statusPage: { path: 'status' } }, /^options\.statusPage\.path: must be a path/],
    ['a query', { statusPage: { path: '/status?x' } }, /^options\.statusPage\.path: must be a path/],
    ['no path', { statusPage: {} }, /^options\.statusPage\.path: must be a path/],
    [
      'a probe path',
      { statusPage: { path: '/readyz/status' } },
      /^options\.statusPage\.path: is one of probekit's own paths/,
    ],
    [
      '/metrics',
      { statusPage: { path: '/metrics' } },
      /^options\.statusPage\.path: is one of probekit's own paths/,
    ],
    ['a string', { statusPage: '/x' }, /^options\.statusPage: must be true, false or \{ path \}/],
  ];
  for (const [what, options, message] of cases) {
    it(`refuses ${what}, in every adapter`, async () => {
      const health = makeHealth();
      const expected = (error: unknown) =>
        error instanceof InvalidOptionError && message.test(error.message)
          ? true
          : assert.fail(String(error));
      assert.throws(() => createHandler(health, options as HandlerOptions), expected);
      assert.throws(() => healthMiddleware(health, options as HandlerOptions), expected);
      await assert.rejects(listen(health, { port: 0, ...(options as HandlerOptions) }), expected);
      const app = Fastify();
      closers.push(() => app.close());
      await assert.rejects(async () => {
        await app.register(healthPlugin, { health, ...(options as HandlerOptions) });
      }, expected);
    });
  }
});
