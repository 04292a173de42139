import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { runProber } from '@probekit/core/internal';
import mysql2 from 'mysql2';
import mysql2p from 'mysql2/promise';
import { mysql } from '../../src/checks/mysql.js';
import { serviceAvailable, waitFor } from './helpers.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';

const available = await serviceAvailable('MariaDB/MySQL', 3306);
const settings = { host: '127.0.0.1', user: 'root', database: 'test' };

const succeeds = (prober: ReturnType<typeof mysql>) => async () =>
  (await runProber(prober, 1000)).result === 'success' ? true : undefined;

describe('mysql()', { skip: !available }, () => {
  test('every shape mysql2 hands out: pools and connections, callback and promise API', async () => {
    const pool = mysql2.createPool({ ...settings, connectionLimit: 2 });
    const promisePool = mysql2p.createPool({ ...settings, connectionLimit: 2 });
    const connection = mysql2.createConnection(settings);
    const promiseConnection = await mysql2p.createConnection(settings);
    try {
      for (const [name, client] of [
        ['callback pool', pool],
        ['promise pool', promisePool],
        ['callback connection', connection],
        ['promise connection', promiseConnection],
      ] as const) {
        for (const options of [undefined, { query: 'SELECT 1' }]) {
          const end = await runProber(mysql(client, options), 2000);
          assert.equal(end.result, 'success', `${name} ${options ? 'query' : 'ping'}`);
          assert.ok(end.result === 'success');
          assert.equal(typeof end.outcome.observedValue, 'number');
          assert.equal(end.outcome.observedUnit, 'ms');
        }
      }
      const bad = await runProber(
        mysql(promisePool, { query: 'SELECT * FROM no_such_table_probekit' }),
        2000,
      );
      assert.ok(bad.result === 'failure');
      assert.match(
        bad.outcome.output ?? '',
        /^SELECT \* FROM no_such_table_probekit: Table .* doesn't exist; pool: /,
      );
    } finally {
      pool.end();
      await promisePool.end();
      connection.end();
      await promiseConnection.end();
    }
  });

  test('target, secrets, kind, and refused arguments', async () => {
    const pool = mysql2.createPool({ ...settings, port: 3306, password: 'hunter22' });
    const prober = mysql(pool);
    assert.equal(prober.kind, 'mysql');
    assert.equal(prober.target, 'mysql://127.0.0.1:3306/test');
    assert.deepEqual(prober.secrets, ['hunter22']);
    assert.equal(prober.componentType, 'datastore');
    assert.throws(() => mysql({} as never), {
      code: 'PROBEKIT_INVALID_CHECK',
      message: /^mysql: must be a mysql2 pool/,
    });
    assert.throws(() => mysql(pool, { query: 42 } as never), { path: 'mysql.query' });
    await pool.promise().end();
  });

  describe('a pool through a proxy the test cuts and restores', () => {
    let proxy: TcpProxy;
    let pool: mysql2.Pool;
    before(async () => {
      proxy = await startProxy(3306);
      pool = mysql2.createPool({ ...settings, port: proxy.port, connectionLimit: 2 });
    });
    afterEach(() => proxy.restore());
    after(async () => {
      await pool.promise().end();
      await proxy.close();
    });

    test('cut: fails with the reason and the pool facts; recovers on restore', async () => {
      const prober = mysql(pool);
      assert.equal((await runProber(prober, 2000)).result, 'success');
      await proxy.cut();
      const end = await runProber(prober, 300);
      assert.ok(end.result === 'failure', `got ${end.result}`);
      assert.match(end.outcome.output ?? '', /; pool: \d+ connections, \d+ free, 0 waiting$/);
      await proxy.restore();
      await waitFor('a success after restore', succeeds(prober));
    });

    test('blackhole: a hung ping times out and its connection is destroyed; a hung checkout is not repeated', async () => {
      const prober = mysql(pool);
      assert.equal((await runProber(prober, 2000)).result, 'success');
      proxy.blackhole();
      const hung = await runProber(prober, 300);
      assert.equal(hung.result, 'timeout');
      // The hung connection was destroyed (mysql2 never calls its ping back), so the next run checks
      // out a new connection, which hangs in the blackhole too: a checkout cannot be cancelled.
      assert.equal((await runProber(prober, 300)).result, 'timeout');
      for (let i = 0; i < 5; i++) {
        const fast = await runProber(prober, 300);
        assert.ok(fast.result === 'failure');
        assert.match(
          fast.outcome.output ?? '',
          /^the previous getConnection is still unanswered after \d+ ms; pool: 1 connections, 0 free, 0 waiting$/,
        );
      }
      await proxy.restore();
      await waitFor('a success after restore', succeeds(prober));
    });
  });

  test('a single connection that lost its server fails; it does not reconnect (mysql2 never does)', async () => {
    const proxy = await startProxy(3306);
    const connection = mysql2.createConnection({ ...settings, port: proxy.port });
    connection.on('error', () => {});
    try {
      const prober = mysql(connection);
      assert.equal((await runProber(prober, 2000)).result, 'success');
      await proxy.cut();
      await proxy.restore();
      const end = await runProber(prober, 300);
      assert.ok(end.result === 'failure');
      assert.match(end.outcome.output ?? '', /^COM_PING: /);
    } finally {
      connection.destroy();
      await proxy.close();
    }
  });
});
