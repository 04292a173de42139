// The response rules, whoever serves them: every answer of the node:http handler, the probe server of
// listen() and the fastify plugin — probes, a check that is not there, a path that is not ours, another
// method, /metrics — carries the same headers, and 404 and 405 are the same answers everywhere.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { healthPlugin } from '../src/adapters/fastify.js';
import { createHandler, listen } from '../src/adapters/node.js';
import { ANSWER_HEADERS, createHealth, type Health, manual } from '../src/index.js';
import { portOf, request } from './request.js';

const ROWS = [
  { method: 'GET', path: '/readyz', status: 200 },
  { method: 'HEAD', path: '/livez', status: 200 },
  { method: 'GET', path: '/readyz/nope', status: 404 },
  { method: 'POST', path: '/readyz', status: 405 },
  { method: 'GET', path: '/metrics', status: 200 },
  { method: 'DELETE', path: '/metrics', status: 405 },
] as const;

function makeHealth(): Health {
  const health = createHealth({
    checks: [{ name: 'db', check: manual() }],
    metrics: { registry: new Registry() },
    shutdown: false,
  });
  health.engine.report('db', true);
  return health;
}

const servers: { name: string; port: number; close(): Promise<unknown> }[] = [];

before(async () => {
  const health = makeHealth();
  const handle = createHandler(health, { metrics: true });
  const app: Server = createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(418).end();
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  servers.push({ name: 'node handler', port: portOf(app), close: () => new Promise((r) => app.close(r)) });

  const own = await listen(makeHealth(), { port: 0, host: '127.0.0.1', metrics: true });
  servers.push({ name: 'listen()', port: portOf(own), close: () => new Promise((r) => own.close(r)) });

  const fastify: FastifyInstance = Fastify();
  await fastify.register(healthPlugin, { health: makeHealth(), metrics: true });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  servers.push({ name: 'fastify plugin', port: portOf(fastify.server), close: () => fastify.close() });
});

after(() => Promise.all(servers.map((server) => server.close())));

describe('every host answers with the same headers', () => {
  for (const row of ROWS) {
    it(`${row.method} ${row.path} → ${row.status}`, async () => {
      const seen = new Map<string, unknown>();
      for (const server of servers) {
        const reply = await request(server.port, { method: row.method, path: row.path });
        assert.equal(reply.status, row.status, server.name);
        for (const [name, value] of Object.entries(ANSWER_HEADERS))
          assert.equal(reply.headers[name], value, `${server.name}: ${name}`);
        if (row.status === 405) assert.equal(reply.headers.allow, 'GET, HEAD', server.name);
        seen.set(server.name, row.method === 'HEAD' || row.status === 200 ? reply.status : reply.body);
      }
      assert.equal(new Set(seen.values()).size, 1, `the hosts differ: ${JSON.stringify([...seen])}`);
    });
  }

  it('a path that is not a probe is 404 on the probe server, with the same headers', async () => {
    const own = servers.find((server) => server.name === 'listen()')!;
    const reply = await request(own.port, { path: '/nope' });
    assert.equal(reply.status, 404);
    assert.equal(reply.body, 'not found\n');
    for (const [name, value] of Object.entries(ANSWER_HEADERS))
      assert.equal(reply.headers[name], value, name);
  });
});
