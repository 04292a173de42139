import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Engine } from '@probekit/core';
import { runProber } from '@probekit/core/internal';
import pg from 'pg';
import { postgres } from '../../src/checks/postgres.js';
import { readinessThroughFault, serviceAvailable, waitFor } from './helpers.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';

const available = await serviceAvailable('PostgreSQL', 5432);
const settings = { host: '127.0.0.1', user: 'postgres', database: 'test' };

describe('postgres()', { skip: !available }, () => {
  test('a Pool: success with the round trip; the target carries no credentials', async () => {
    const pool = new pg.Pool({ ...settings, port: 5432, password: 'not-needed-secret', max: 2 });
    try {
      const prober = postgres(pool);
      assert.equal(prober.kind, 'postgres');
      assert.equal(prober.target, 'postgres://127.0.0.1:5432/test');
      assert.equal(prober.componentType, 'datastore');
      assert.deepEqual(prober.secrets, ['not-needed-secret']);
      const end = await runProber(prober, 2000);
      assert.equal(end.result, 'success');
      assert.equal(typeof end.outcome.observedValue, 'number');
      assert.equal(end.outcome.observedUnit, 'ms');
      assert.equal(pool.totalCount, 1, 'the check borrowed one client and gave it back');
      assert.equal(pool.idleCount, 1);
    } finally {
      await pool.end();
    }
  });

  test('a reload keeps an unchanged check: the identity is the same client and query, and JSON-safe', () => {
    const pool = new pg.Pool(settings);
    const engine = new Engine({ checks: [{ name: 'db', check: postgres(pool) }] });
    assert.deepEqual(engine.setChecks([{ name: 'db', check: postgres(pool) }]), {
      added: [],
      removed: [],
      kept: ['db'],
    });
    const changed = engine.setChecks([{ name: 'db', check: postgres(pool, { query: 'SELECT 2' }) }]);
    assert.deepEqual(changed.kept, []);
    void pool.end();
  });

  test('a connection string is shown without userinfo or query', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://postgres:hunter22@127.0.0.1:5432/test?sslmode=disable',
    });
    try {
      assert.equal(postgres(pool).target, 'postgres://127.0.0.1:5432/test');
      assert.deepEqual(postgres(pool).secrets, ['hunter22']);
    } finally {
      await pool.end();
    }
  });

  test('a Client, a custom query, and a failing query', async () => {
    const client = new pg.Client({ ...settings, port: 5432 });
    await client.connect();
    try {
      assert.equal((await runProber(postgres(client, { query: 'SELECT now()' }), 2000)).result, 'success');
      const bad = await runProber(postgres(client, { query: 'SELECT * FROM no_such_table_probekit' }), 2000);
      assert.equal(bad.result, 'failure');
      assert.ok(bad.result === 'failure');
      assert.match(
        bad.outcome.output ?? '',
        /^SELECT \* FROM no_such_table_probekit: relation .* does not exist/,
      );
    } finally {
      await client.end();
    }
  });

  test('invalid arguments are refused with the path', () => {
    assert.throws(() => postgres({} as pg.Pool), {
      code: 'PROBEKIT_INVALID_CHECK',
      message: /^postgres: must be a pg Pool or Client/,
    });
    const pool = new pg.Pool(settings);
    assert.throws(() => postgres(pool, { query: '' }), { path: 'postgres.query' });
    assert.throws(() => postgres(pool, { qurey: 'x' } as never), { path: 'postgres.qurey' });
    void pool.end();
  });

  describe('through a proxy the test cuts and restores', () => {
    let proxy: TcpProxy;
    let pool: pg.Pool;
    before(async () => {
      proxy = await startProxy(5432);
      pool = new pg.Pool({ ...settings, port: proxy.port, max: 2 });
      pool.on('error', () => {}); // an idle client losing its server is the point of these tests
    });
    afterEach(() => proxy.restore());
    after(async () => {
      await pool.end();
      await proxy.close();
    });

    test('cut: fails fast with the reason and the pool facts; recovers on restore', async () => {
      const prober = postgres(pool);
      assert.equal((await runProber(prober, 2000)).result, 'success');
      await proxy.cut();
      const end = await runProber(prober, 300);
      assert.equal(end.result, 'failure');
      assert.ok(end.result === 'failure');
      assert.match(end.outcome.output ?? '', /ECONNREFUSED|terminated|Connection/i);
      assert.match(end.outcome.output ?? '', /; pool: \d+ total, \d+ idle, 0 waiting$/);
      await proxy.restore();
      await waitFor('a success after restore', async () =>
        (await runProber(prober, 1000)).result === 'success' ? true : undefined,
      );
    });

    test('blackhole: a hung query times out, its client leaves the pool, later runs do not pile up', async () => {
      const prober = postgres(pool);
      assert.equal((await runProber(prober, 2000)).result, 'success');
      proxy.blackhole();
      const hung = await runProber(prober, 300);
      assert.equal(hung.result, 'timeout');
      assert.ok(hung.durationMs < 1000, `bounded by the timeout, took ${hung.durationMs} ms`);
      // Released with an error: the pool no longer counts or lends the hung client.
      assert.equal(pool.totalCount, 0);
      // So the next run checks out a new client, whose connect hangs too: a checkout cannot be cancelled.
      assert.equal((await runProber(prober, 300)).result, 'timeout');
      for (let i = 0; i < 5; i++) {
        const fast = await runProber(prober, 300);
        assert.ok(fast.result === 'failure');
        assert.match(
          fast.outcome.output ?? '',
          /^the previous connect is still unanswered after \d+ ms; pool: 1 total, 0 idle, 0 waiting$/,
        );
        assert.ok(fast.durationMs < 100, 'fails fast instead of queueing');
      }
      await proxy.restore();
      await waitFor('a success after restore', async () =>
        (await runProber(prober, 1000)).result === 'success' ? true : undefined,
      );
      assert.equal(pool.waitingCount, 0);
    });

    test('readiness in a real Engine goes 503 on a cut and back to 200 on restore', async () => {
      const failing = await readinessThroughFault(postgres(pool), proxy, 'cut');
      assert.match(failing, /\[-\]dep failed: /);
    });

    test('readiness in a real Engine goes 503 on a blackhole and back to 200 on restore', async () => {
      const failing = await readinessThroughFault(postgres(pool), proxy, 'blackhole');
      assert.match(failing, /timeout|still unanswered/);
    });
  });
});
