import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientCalls, clientIdentity, redactedUrl, serviceUrl } from '../../src/checks/common.js';

/** A promise the test settles by hand, standing in for a client call that is slow to answer. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ClientCalls', () => {
  test('a call that answers resolves with its value; a failure carries the label and keeps its cause', async () => {
    const calls = new ClientCalls();
    assert.equal(
      await calls.call(new AbortController().signal, 'PING', () => Promise.resolve('PONG')),
      'PONG',
    );
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    await assert.rejects(
      calls.call(new AbortController().signal, 'PING', () => Promise.reject(cause)),
      {
        message: 'PING: connect ECONNREFUSED 127.0.0.1:6379',
        cause,
      },
    );
    await assert.rejects(
      calls.call(new AbortController().signal, 'PING', () => {
        throw new Error('sync');
      }),
      { message: 'PING: sync' },
    );
    assert.equal(calls.busy(), undefined);
  });

  test('abandoned without a way to dispose of it: later calls fail fast until it settles; a late value goes to `late`', async () => {
    const calls = new ClientCalls();
    const controller = new AbortController();
    const slow = deferred<string>();
    const lateValues: string[] = [];
    const first = calls.call(controller.signal, 'PING', () => slow.promise, {
      late: (value) => lateValues.push(value),
    });
    controller.abort(new Error('timed out after 300 ms'));
    await assert.rejects(first, { message: 'PING: timed out after 300 ms' });
    let started = false;
    const second = calls.call(new AbortController().signal, 'PING', () => {
      started = true;
      return Promise.resolve('PONG');
    });
    await assert.rejects(second, { message: /^the previous PING is still unanswered after \d+ ms$/ });
    assert.equal(started, false, 'no second call was issued');
    slow.resolve('PONG');
    await flush();
    assert.deepEqual(lateValues, ['PONG']);
    assert.equal(calls.busy(), undefined);
    assert.equal(
      await calls.call(new AbortController().signal, 'PING', () => Promise.resolve('PONG')),
      'PONG',
    );
  });

  test('abandoned with `abandon`: disposed of once, and the next call need not wait for it', async () => {
    const calls = new ClientCalls();
    const controller = new AbortController();
    let disposed = 0;
    const first = calls.call(controller.signal, 'SELECT 1', () => new Promise<never>(() => {}), {
      abandon: () => disposed++,
    });
    controller.abort(new Error('the engine stopped'));
    await assert.rejects(first, { message: 'SELECT 1: the engine stopped' });
    assert.equal(disposed, 1);
    assert.equal(calls.busy(), undefined);
  });

  test('an already aborted signal starts nothing', async () => {
    const calls = new ClientCalls();
    let started = false;
    const call = calls.call(AbortSignal.abort(new Error('timed out after 1 ms')), 'PING', () => {
      started = true;
      return Promise.resolve();
    });
    await assert.rejects(call, { message: 'PING: timed out after 1 ms' });
    assert.equal(started, false);
  });
});

describe('targets and identities', () => {
  test('a target never shows userinfo or a query; IPv6 is bracketed', () => {
    assert.equal(
      redactedUrl('postgres://user:pw@db.internal:5432/app?sslmode=require&password=x'),
      'postgres://db.internal:5432/app',
    );
    assert.equal(redactedUrl('redis://:token@[::1]:6380'), 'redis://[::1]:6380');
    assert.equal(redactedUrl('not a url'), undefined);
    assert.equal(serviceUrl('mysql', '::1', 3306, 'test'), 'mysql://[::1]:3306/test');
    assert.equal(serviceUrl('redis', undefined, 6379, 0), 'redis://localhost:6379/0');
  });

  test('an identity is JSON-safe, equal for the same client and settings, different for another client', () => {
    const client: { self?: unknown } = {};
    client.self = client; // clients are circular; the identity must not be
    const other = {};
    assert.equal(
      JSON.stringify(clientIdentity('redis', client)),
      JSON.stringify(clientIdentity('redis', client)),
    );
    assert.notEqual(
      JSON.stringify(clientIdentity('redis', client)),
      JSON.stringify(clientIdentity('redis', other)),
    );
    assert.notEqual(
      JSON.stringify(clientIdentity('postgres', client, { query: 'SELECT 1' })),
      JSON.stringify(clientIdentity('postgres', client, { query: 'SELECT 2' })),
    );
  });
});
