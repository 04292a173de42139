import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { runProber } from '@probekit/core/internal';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { redis } from '../../src/checks/redis.js';
import { readinessThroughFault, serviceAvailable, waitFor } from './helpers.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';

const available = await serviceAvailable('Redis', 6379);

const succeeds = (prober: ReturnType<typeof redis>) => async () =>
  (await runProber(prober, 1000)).result === 'success' ? true : undefined;

describe('redis()', { skip: !available }, () => {
  test('the target carries no password; the password is a secret to redact', () => {
    const client = new Redis({ host: '127.0.0.1', port: 6379, password: 'hunter22', lazyConnect: true });
    const prober = redis(client);
    assert.equal(prober.target, 'redis://127.0.0.1:6379/0');
    assert.deepEqual(prober.secrets, ['hunter22']);
    client.disconnect();
  });

  test('ioredis: PONG with the round trip', async () => {
    const client = new Redis({ host: '127.0.0.1', port: 6379, db: 2, lazyConnect: true });
    try {
      const prober = redis(client);
      assert.equal(prober.kind, 'redis');
      assert.equal(prober.target, 'redis://127.0.0.1:6379/2');
      assert.equal(prober.componentType, 'datastore');
      // A lazyConnect client not used yet: the PING connects it, as the app's first command would.
      assert.equal(client.status, 'wait');
      const end = await runProber(prober, 2000);
      assert.equal(end.result, 'success');
      assert.ok(end.result === 'success');
      assert.equal(typeof end.outcome.observedValue, 'number');
      assert.equal(end.outcome.observedUnit, 'ms');
    } finally {
      client.disconnect();
    }
  });

  test('node-redis: PONG with the round trip; a URL is shown without its userinfo', async () => {
    const client = createClient({ url: 'redis://default:s3cret-pw@127.0.0.1:6379/3' });
    client.on('error', () => {});
    const prober = redis(client);
    assert.equal(prober.target, 'redis://127.0.0.1:6379/3');
    assert.deepEqual(prober.secrets, ['s3cret-pw']);
    // Not connected yet: fails at once, without queueing a PING.
    const early = await runProber(prober, 1000);
    assert.ok(early.result === 'failure');
    assert.equal(early.outcome.output, 'redis client is closed');
    await client.connect();
    try {
      const end = await runProber(prober, 2000);
      assert.equal(end.result, 'success');
    } finally {
      client.destroy();
    }
  });

  test('anything else is refused', () => {
    assert.throws(() => redis({ ping: () => Promise.resolve('PONG') } as never), {
      code: 'PROBEKIT_INVALID_CHECK',
      message: /^redis: must be an ioredis or node-redis client/,
    });
  });

  describe('ioredis through a proxy the test cuts and restores', () => {
    let proxy: TcpProxy;
    let client: Redis;
    before(async () => {
      proxy = await startProxy(6379);
      client = new Redis({
        host: '127.0.0.1',
        port: proxy.port,
        retryStrategy: () => 50,
        maxRetriesPerRequest: null,
      });
      client.on('error', () => {});
      await waitFor('ioredis ready', () => (client.status === 'ready' ? true : undefined));
    });
    afterEach(() => proxy.restore());
    after(async () => {
      client.disconnect();
      await proxy.close();
    });

    test('cut: fails at once with the client status instead of queueing; recovers on restore', async () => {
      const prober = redis(client);
      assert.equal((await runProber(prober, 1000)).result, 'success');
      await proxy.cut();
      await waitFor('ioredis to notice', () => (client.status !== 'ready' ? true : undefined));
      const end = await runProber(prober, 300);
      assert.ok(end.result === 'failure');
      assert.match(
        end.outcome.output ?? '',
        /^redis client is not ready \(status (reconnecting|connecting|connect|close)\)$/,
      );
      assert.ok(end.durationMs < 50, 'no PING was queued');
      await proxy.restore();
      await waitFor('a success after restore', succeeds(prober));
    });

    test('blackhole: a hung PING times out, later runs fail fast instead of stacking PINGs', async () => {
      const prober = redis(client);
      assert.equal((await runProber(prober, 1000)).result, 'success');
      proxy.blackhole();
      const hung = await runProber(prober, 300);
      assert.equal(hung.result, 'timeout');
      assert.ok(hung.durationMs < 1000);
      for (let i = 0; i < 5; i++) {
        const fast = await runProber(prober, 300);
        assert.ok(fast.result === 'failure');
        assert.match(fast.outcome.output ?? '', /^the previous PING is still unanswered after \d+ ms$/);
      }
      await proxy.restore();
      await waitFor('a success after restore', succeeds(prober));
    });

    test('readiness in a real Engine: 503 on a cut, 200 after restore', async () => {
      const failing = await readinessThroughFault(redis(client), proxy, 'cut');
      assert.match(failing, /redis client is not ready|PING/);
    });

    test('readiness in a real Engine: 503 on a blackhole, 200 after restore', async () => {
      await readinessThroughFault(redis(client), proxy, 'blackhole');
    });
  });

  describe('node-redis through a proxy the test cuts and restores', () => {
    let proxy: TcpProxy;
    let client: ReturnType<typeof createClient>;
    before(async () => {
      proxy = await startProxy(6379);
      client = createClient({ socket: { host: '127.0.0.1', port: proxy.port, reconnectStrategy: () => 50 } });
      client.on('error', () => {});
      await client.connect();
    });
    afterEach(() => proxy.restore());
    after(async () => {
      client.destroy();
      await proxy.close();
    });

    test('cut: fails at once (not ready); recovers on restore', async () => {
      const prober = redis(client);
      assert.equal((await runProber(prober, 1000)).result, 'success');
      await proxy.cut();
      await waitFor('node-redis to notice', () => (client.isReady ? undefined : true));
      const end = await runProber(prober, 300);
      assert.ok(end.result === 'failure');
      assert.equal(end.outcome.output, 'redis client is not ready (reconnecting)');
      await proxy.restore();
      await waitFor('a success after restore', succeeds(prober));
    });

    test('blackhole: a hung PING times out and later runs fail fast; recovers on restore', async () => {
      const prober = redis(client);
      proxy.blackhole();
      assert.equal((await runProber(prober, 300)).result, 'timeout');
      const fast = await runProber(prober, 300);
      assert.ok(fast.result === 'failure');
      assert.match(fast.outcome.output ?? '', /^the previous PING is still unanswered/);
      await proxy.restore();
      await waitFor('a success after restore', succeeds(prober));
    });

    test('readiness in a real Engine: 503 on a cut, 200 after restore', async () => {
      await readinessThroughFault(redis(client), proxy, 'cut');
    });
  });
});
