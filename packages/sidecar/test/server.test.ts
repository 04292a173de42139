import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { AnswerOptions } from '@probekit/core';
import { Engine, manual } from '@probekit/core';
import { listenOn } from '@probekit/sdk/internal';
import { portOf, request } from '../../sdk/test/request.js';
import { createRegistry } from '../src/metrics.js';
import { createProbeServer } from '../src/server.js';

describe('createProbeServer', () => {
  const engine = new Engine({
    checks: [
      { name: 'db', check: manual() },
      { name: 'cache', check: manual(), critical: false },
      { name: 'app', check: manual(), probes: ['liveness'] },
    ],
  });
  let details: NonNullable<AnswerOptions['details']> = true;
  const app = createProbeServer({ engine, registry: createRegistry(engine), details: () => details });
  before(async () => {
    engine.start();
    await listenOn(app, 0, '127.0.0.1');
  });
  after(async () => {
    await new Promise((resolve) => app.close(resolve));
    await engine.stop();
  });
  // Over a real socket, as the kubelet asks.
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    request(portOf(app), { method, path, headers });

  it('answers every probe path from the snapshot, as core’s answer() renders it', async () => {
    engine.report('db', false);
    engine.report('cache', false);
    let response = await get('/readyz?verbose');
    assert.equal(response.status, 503);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.match(
      response.body,
      /^\[-\]db failed: below its success threshold \(failing since \S+, 1 in a row\)\n\[~\]cache warn: below its success threshold \(failing since \S+, 1 in a row\)\nreadyz check failed\n$/,
    );
    engine.report('db', true);
    response = await get('/readyz');
    assert.deepEqual([response.status, response.body], [200, 'ok']);
    response = await get('/livez');
    assert.deepEqual([response.status, response.body], [200, 'ok']);
    response = await get('/readyz/db');
    assert.equal(response.status, 200);
    response = await get('/readyz/app');
    assert.equal(response.status, 404);
    response = await get('/healthz', { accept: 'application/health+json' });
    assert.equal(response.headers['content-type'], 'application/health+json');
    assert.deepEqual(Object.keys(JSON.parse(response.body).checks), ['db', 'cache', 'app']);
  });

  it('answers HEAD like GET without a body, and every other method with 405', async () => {
    const head = await get('/readyz', {}, 'HEAD');
    assert.deepEqual([head.status, head.body], [200, '']);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND']) {
      const response = await get('/readyz', {}, method);
      assert.equal(response.status, 405, method);
      assert.equal(response.headers['allow'], 'GET, HEAD');
      const metrics = await get('/metrics', {}, method);
      assert.equal(metrics.status, 405, `${method} /metrics`);
    }
  });

  it('answers 404 for anything else, plain text', async () => {
    for (const url of ['/', '/ready', '/readyz/a/b', '/metrics/x', '/readyz/']) {
      const response = await get(url);
      assert.deepEqual([response.status, response.body], [404, 'not found\n'], url);
    }
  });

  it('reads the details setting on every request, so a reload can change it', async () => {
    engine.report('db', false);
    details = { token: 'sixteen-chars-token' };
    assert.equal((await get('/readyz?verbose')).body, 'readyz check failed\n');
    const allowed = await get('/readyz?verbose', { authorization: 'Bearer sixteen-chars-token' });
    assert.match(allowed.body, /\[-\]db failed/);
    details = true;
    engine.report('db', true);
  });

  it('serves the contract’s metrics and the default ones, without those promtool rejects', async () => {
    const response = await get('/metrics');
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    for (const name of [
      'probekit_check_up',
      'probekit_probe_up',
      'probekit_build_info',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) {
      assert.match(response.body, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.doesNotMatch(response.body, /nodejs_active_(handles|requests|resources)_total/);
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: response.body, encoding: 'utf8' });
    if (promtool.error) {
      if (process.env['CI'] === 'true') assert.fail('promtool is not installed');
      console.warn('SKIPPED promtool check: promtool is not installed (apt-get install prometheus)');
      return;
    }
    assert.equal(promtool.status, 0, promtool.stdout + promtool.stderr);
  });
});
