// /metrics through the adapters that offer it: the health's registry, the app's own metrics included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { Counter, Registry } from 'prom-client';
import { healthPlugin } from '../../src/adapters/fastify.js';
import { createHandler, listen } from '../../src/adapters/node.js';
import { createHealth, manual } from '../../src/index.js';
import { portOf, request } from '../request.js';

function withRegistry() {
  const registry = new Registry();
  new Counter({ name: 'app_orders_total', help: 'The app’s own metric.', registers: [registry] }).inc(3);
  const health = createHealth({
    checks: [{ name: 'db', check: manual() }],
    metrics: { registry },
    shutdown: false,
  });
  health.engine.report('db', true);
  return { registry, health };
}

describe('/metrics', () => {
  it('the standalone server serves the registry, probekit’s metrics and the app’s', async () => {
    const { registry, health } = withRegistry();
    const server = await listen(health, { port: 0, host: '127.0.0.1', metrics: true });
    try {
      const reply = await request(portOf(server), { path: '/metrics' });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['content-type'], registry.contentType);
      assert.match(reply.body, /^probekit_check_up\{check="db"\} 1$/m);
      assert.match(reply.body, /^probekit_probe_up\{probe="readiness"\} 1$/m);
      assert.match(reply.body, /^app_orders_total 3$/m);
      assert.equal((await request(portOf(server), { method: 'POST', path: '/metrics' })).status, 405);
      assert.equal((await request(portOf(server), { path: '/metricsx' })).status, 404);
    } finally {
      server.close();
      await health.stop();
    }
  });

  it('the fastify plugin serves it when asked, and only then', async () => {
    const { health } = withRegistry();
    const app = Fastify();
    await app.register(healthPlugin, { health, metrics: true });
    const plain = Fastify();
    await plain.register(healthPlugin, { health });
    try {
      const reply = await app.inject({ url: '/metrics?name=x' });
      assert.equal(reply.statusCode, 200);
      assert.match(reply.body, /^app_orders_total 3$/m);
      assert.equal((await plain.inject({ url: '/metrics' })).statusCode, 404);
    } finally {
      await app.close();
      await plain.close();
    }
  });

  it('asking for /metrics without a registry is an error at setup', async () => {
    const health = createHealth({ shutdown: false });
    assert.throws(() => createHandler(health, { metrics: true }), {
      code: 'PROBEKIT_INVALID_OPTION',
      path: 'options.metrics',
    });
    const app = Fastify();
    await assert.rejects(async () => {
      await app.register(healthPlugin, { health, metrics: true });
    }, /options\.metrics: needs createHealth\(\{ metrics: \{ registry \} \}\)/);
    await app.close();
    await health.stop();
  });
});
