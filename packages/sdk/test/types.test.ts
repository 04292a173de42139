// Type tests of the public API: checked by `npm run typecheck` (tsc -p tsconfig.test.json); the runtime part is trivial.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { it } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { healthMiddleware } from '../src/adapters/express.js';
import healthPluginDefault, { healthPlugin } from '../src/adapters/fastify.js';
import { createHandler, listen, type ProbeHandler } from '../src/adapters/node.js';
import {
  type Answer,
  type ChangeEvent,
  createHealth,
  fn,
  type Health,
  httpGet,
  type Logger,
  manual,
  type ShutdownPhaseEvent,
  type ShutdownResult,
  tcpSocket,
} from '../src/index.js';

it('the public API has the types the docs promise', async () => {
  const health: Health = createHealth({
    checks: [
      { name: 'db', check: tcpSocket({ port: 5432 }) },
      { name: 'api', check: httpGet({ port: 8080, path: '/healthz' }), probes: ['readiness', 'liveness'] },
      { name: 'fn', check: async (signal: AbortSignal) => ({ observedValue: signal.aborted ? 0 : 1 }) },
      { name: 'wrapped', check: fn(async () => {}, { componentType: 'datastore' }), critical: false },
      { name: 'manual', check: manual() },
    ],
    metrics: { registry: new Registry() },
    startup: 'manual',
    details: { token: 't' },
    shutdown: { signals: ['SIGTERM'], drainDelaySeconds: 0, graceSeconds: 25, exit: false },
    logger: { info() {}, warn() {}, error() {} },
  });
  // @ts-expect-error only 'auto' or 'manual'
  assert.throws(() => createHealth({ startup: 'later' }));
  // @ts-expect-error a registry is required with metrics
  assert.throws(() => createHealth({ metrics: {} }));
  // @ts-expect-error hooks run beforeClose or afterClose
  assert.throws(() => health.onShutdown('later', () => {}));
  const pinoLike: Logger = console;
  assert.ok(pinoLike);
  health.onShutdown('afterClose', async (signal: AbortSignal) => void signal);
  health.on('change', (event: ChangeEvent) => void event);
  health.on('shutdown', (event: ShutdownPhaseEvent) => void event.phase);

  const answer: Answer | undefined = health.answer({ url: '/readyz' });
  const handler: ProbeHandler = createHandler(health);
  express().use(healthMiddleware(health, { statusPage: false }));
  createHandler(health, { statusPage: { path: '/probekit/status' } });
  // @ts-expect-error the page moves to { path }, not to a bare string
  assert.throws(() => createHandler(health, { statusPage: '/probekit/status' }));
  createServer((req, res) => void handler(req, res));
  const app = Fastify();
  await app.register(healthPlugin, { health, metrics: true, logLevel: 'warn', statusPage: true });
  const decorated: Health = app.health;
  assert.equal(healthPluginDefault, healthPlugin);
  assert.equal(decorated, health);
  const probeServer = await listen(health, { port: 0, host: '127.0.0.1' });
  const result: ShutdownResult = await health.shutdown('types');
  assert.equal(result.exitCode, 0);
  assert.equal(answer?.status, 503);
  assert.equal(probeServer.listening, false, 'the shutdown closed the probe server');
  await app.close();
});
