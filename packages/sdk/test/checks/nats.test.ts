import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { runProber } from '@probekit/core/internal';
import { connect, type NatsConnection } from 'nats';
import { nats } from '../../src/checks/nats.js';
import { serviceAvailable, waitFor } from './helpers.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';

const available = await serviceAvailable('NATS', 4222);

const succeeds = (prober: ReturnType<typeof nats>) => async () =>
  (await runProber(prober, 1000)).result === 'success' ? true : undefined;

describe('nats()', { skip: !available }, () => {
  test('success with the round trip; a closed connection fails at once', async () => {
    const connection = await connect({ servers: '127.0.0.1:4222' });
    const prober = nats(connection);
    assert.equal(prober.kind, 'nats');
    assert.equal(prober.target, 'nats://127.0.0.1:4222');
    assert.equal(prober.componentType, 'component');
    const end = await runProber(prober, 2000);
    assert.ok(end.result === 'success');
    assert.equal(typeof end.outcome.observedValue, 'number');
    assert.equal(end.outcome.observedUnit, 'ms');
    await connection.close();
    const closed = await runProber(prober, 2000);
    assert.ok(closed.result === 'failure');
    assert.equal(closed.outcome.output, 'nats connection is closed');
  });

  test('refused arguments', () => {
    assert.throws(() => nats({} as NatsConnection), {
      code: 'PROBEKIT_INVALID_CHECK',
      message: /^nats: must be a nats.js v2/,
    });
  });

  describe('through a proxy the test cuts and restores', () => {
    let proxy: TcpProxy;
    let connection: NatsConnection;
    before(async () => {
      proxy = await startProxy(4222);
      // nats.js reconnects on its own; these make it quick about it.
      connection = await connect({
        servers: `127.0.0.1:${proxy.port}`,
        reconnectTimeWait: 50,
        maxReconnectAttempts: -1,
      });
    });
    afterEach(() => proxy.restore());
    after(async () => {
      await connection.close();
      await proxy.close();
    });

    test('cut: a reconnecting connection fails at once; nats.js reconnects after restore', async () => {
      const prober = nats(connection);
      assert.equal((await runProber(prober, 1000)).result, 'success');
      await proxy.cut();
      await waitFor('the disconnect', async () =>
        (await runProber(prober, 300)).result === 'failure' ? true : undefined,
      );
      const end = await runProber(prober, 300);
      assert.ok(end.result === 'failure');
      assert.match(end.outcome.output ?? '', /^PING: DISCONNECT/);
      assert.ok(end.durationMs < 50, 'no PING was queued for after the reconnect');
      await proxy.restore();
      await waitFor('a success after the reconnect', succeeds(prober));
    });

    test('blackhole: a hung PING times out, later runs fail fast instead of stacking PINGs', async () => {
      const prober = nats(connection);
      assert.equal((await runProber(prober, 1000)).result, 'success');
      proxy.blackhole();
      assert.equal((await runProber(prober, 300)).result, 'timeout');
      for (let i = 0; i < 3; i++) {
        const fast = await runProber(prober, 300);
        assert.ok(fast.result === 'failure');
        assert.match(fast.outcome.output ?? '', /^the previous PING is still unanswered after \d+ ms$/);
      }
      await proxy.restore();
      await waitFor('a success after restore', succeeds(prober));
    });
  });
});
