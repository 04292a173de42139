import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetCheck } from '../../src/doctor/listening.js';
import { nameFindings } from '../../src/doctor/names.js';

const check = (name: string, host: string): TargetCheck => ({
  name,
  target: `tcp://${host}:5432`,
  endpoint: { host, port: 5432 },
});

// This machine's resolver is not on loopback, so a name that must fail is failed here, by getaddrinfo's own
// error; `localhost` goes through the real lookup (/etc/hosts).
const notFound = (host: string) =>
  Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));

describe('nameFindings', () => {
  it('finds nothing wrong with localhost through the system resolver', async () => {
    assert.deepEqual(await nameFindings([check('app', 'localhost')]), []);
  });

  it('reports each name that does not resolve once, naming the checks that use it', async () => {
    const findings = await nameFindings(
      [check('db', 'postgres.shop.svc'), check('db-replica', 'postgres.shop.svc'), check('app', '127.0.0.1')],
      notFound,
    );
    assert.deepEqual(findings, [
      {
        id: 'unresolved-name',
        message: 'postgres.shop.svc (check db, check db-replica) does not resolve: no such name (ENOTFOUND)',
      },
    ]);
  });

  it('never looks up IP literals or checks without a host', async () => {
    const asked: string[] = [];
    const lookup = async (host: string) => {
      asked.push(host);
    };
    await nameFindings(
      [check('a', '10.0.0.5'), check('b', '::1'), { name: 'c', target: 'exec:true', endpoint: undefined }],
      lookup,
    );
    assert.deepEqual(asked, []);
  });

  it('counts a name that takes too long as not resolving', async () => {
    const findings = await nameFindings([check('db', 'slow.example')], () => new Promise(() => {}), 50);
    assert.deepEqual(findings, [
      { id: 'unresolved-name', message: 'slow.example (check db) does not resolve: no answer within 0.05s' },
    ]);
  });
});
