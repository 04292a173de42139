import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { runProber } from '@probekit/core/internal';
import amqplib from 'amqplib';
import { amqp } from '../../src/checks/amqp.js';
import { serviceAvailable, waitFor } from './helpers.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';

const available = await serviceAvailable('RabbitMQ', 5672);
const url = (port: number) => `amqp://guest:guest@127.0.0.1:${port}`;

const succeeds = (prober: ReturnType<typeof amqp>) => async () =>
  (await runProber(prober, 1000)).result === 'success' ? true : undefined;

/** An AMQP 0-9-1 method frame on channel 0 of class `connection` (10): 60 blocked (with a reason), 61 unblocked. */
function connectionFrame(method: 60 | 61, reason?: string): Buffer {
  const args =
    reason === undefined
      ? Buffer.alloc(0)
      : Buffer.concat([Buffer.from([reason.length]), Buffer.from(reason)]);
  const payload = Buffer.concat([Buffer.from([0, 10, 0, method]), args]);
  const header = Buffer.alloc(7);
  header.writeUInt8(1, 0); // method frame
  header.writeUInt16BE(0, 1); // channel 0
  header.writeUInt32BE(payload.length, 3);
  return Buffer.concat([header, payload, Buffer.from([0xce])]);
}

describe('amqp()', { skip: !available }, () => {
  test('a connection and a channel: success with the round trip; no credentials in the target', async () => {
    const connection = await amqplib.connect(url(5672));
    try {
      const prober = amqp(connection);
      assert.equal(prober.kind, 'amqp');
      assert.equal(prober.target, 'amqp://127.0.0.1:5672');
      assert.equal(prober.componentType, 'component');
      for (let i = 0; i < 3; i++) {
        const end = await runProber(prober, 2000);
        assert.ok(end.result === 'success');
        assert.equal(typeof end.outcome.observedValue, 'number');
        assert.equal(end.outcome.observedUnit, 'ms');
      }
      const channel = await connection.createChannel();
      assert.equal((await runProber(amqp(channel), 2000)).result, 'success');
      await channel.close();
    } finally {
      await connection.close();
    }
  });

  test("a missing exchange fails on the check's own channel; the app's connection lives on", async () => {
    const connection = await amqplib.connect(url(5672));
    const errors: Error[] = [];
    connection.on('error', (error: Error) => errors.push(error));
    try {
      const end = await runProber(amqp(connection, { exchange: 'probekit-no-such-exchange' }), 2000);
      assert.ok(end.result === 'failure');
      assert.match(end.outcome.output ?? '', /^checkExchange probekit-no-such-exchange: .*404 \(NOT-FOUND\)/);
      // The connection is untouched: another check and the app's own channel still work.
      assert.equal((await runProber(amqp(connection), 2000)).result, 'success');
      const channel = await connection.createChannel();
      await channel.checkExchange('amq.topic');
      await channel.close();
      assert.deepEqual(errors, []);
    } finally {
      await connection.close();
    }
  });

  test('refused arguments', () => {
    assert.throws(() => amqp({} as never), {
      code: 'PROBEKIT_INVALID_CHECK',
      message: /^amqp: must be an amqplib/,
    });
  });

  describe('through a proxy the test controls', () => {
    let proxy: TcpProxy;
    before(async () => {
      proxy = await startProxy(5672);
    });
    afterEach(() => proxy.restore());
    after(() => proxy.close());

    test('blocked by the broker (connection.blocked) fails until connection.unblocked', async () => {
      const connection = await amqplib.connect(url(proxy.port));
      try {
        const prober = amqp(connection);
        assert.equal((await runProber(prober, 2000)).result, 'success');
        proxy.inject(connectionFrame(60, 'low on memory'));
        await waitFor('the blocked frame', async () =>
          (await runProber(prober, 1000)).result === 'failure' ? true : undefined,
        );
        const blocked = await runProber(prober, 1000);
        assert.ok(blocked.result === 'failure');
        assert.equal(blocked.outcome.output, 'amqp connection blocked by the broker: low on memory');
        proxy.inject(connectionFrame(61));
        await waitFor('the unblocked frame', succeeds(prober));
      } finally {
        await connection.close();
      }
    });

    test('cut: a closed connection fails at once, and stays failed: reconnecting is the app’s job', async () => {
      const connection = await amqplib.connect(url(proxy.port));
      connection.on('error', () => {});
      const prober = amqp(connection);
      assert.equal((await runProber(prober, 2000)).result, 'success');
      await proxy.cut();
      await waitFor('the close', async () =>
        (await runProber(prober, 300)).result === 'failure' ? true : undefined,
      );
      const end = await runProber(prober, 300);
      assert.ok(end.result === 'failure');
      assert.match(end.outcome.output ?? '', /^amqp connection closed/);
      await proxy.restore();
      assert.equal((await runProber(prober, 300)).result, 'failure');
    });

    test('blackhole: a hung round trip times out; its channel is dropped and a hung channel.open is not repeated', async () => {
      const connection = await amqplib.connect(url(proxy.port));
      connection.on('error', () => {});
      try {
        const prober = amqp(connection);
        assert.equal((await runProber(prober, 2000)).result, 'success');
        proxy.blackhole();
        assert.equal((await runProber(prober, 300)).result, 'timeout');
        assert.equal((await runProber(prober, 300)).result, 'timeout'); // a new channel.open hangs too
        for (let i = 0; i < 3; i++) {
          const fast = await runProber(prober, 300);
          assert.ok(fast.result === 'failure');
          assert.match(
            fast.outcome.output ?? '',
            /^the previous channel.open is still unanswered after \d+ ms$/,
          );
        }
        await proxy.restore();
        await waitFor('a success after restore', succeeds(prober));
      } finally {
        await connection.close();
      }
    });

    test('amqplib 2.x recovery: disconnected fails at once; the reconnected connection passes again', async () => {
      const connection = await amqplib.connect(url(proxy.port), {
        recovery: { initialDelay: 50, maxDelay: 100 },
      });
      connection.on('error', () => {});
      try {
        const prober = amqp(connection);
        assert.equal(prober.target, 'amqp');
        assert.equal((await runProber(prober, 2000)).result, 'success');
        await proxy.cut();
        await waitFor('the disconnect', async () =>
          (await runProber(prober, 300)).result === 'failure' ? true : undefined,
        );
        const end = await runProber(prober, 300);
        assert.ok(end.result === 'failure');
        assert.match(end.outcome.output ?? '', /^amqp connection disconnected: /);
        await proxy.restore();
        await waitFor('a success after the reconnect', succeeds(prober));
      } finally {
        await connection.close();
      }
    });
  });
});
