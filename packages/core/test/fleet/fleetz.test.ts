import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fleetzAnswer, fleetzBody, isFleetzPath } from '../../src/fleet/fleetz.js';
import { fleetState, locallyFailing } from '../../src/fleet/local.js';
import type { CheckSnapshot } from '../../src/types.js';
import { VERSION } from '../../src/version.js';

type Local = Pick<CheckSnapshot, 'condition' | 'stale' | 'lastResult'>;

describe('fleetState: the raw local state /fleetz reports', () => {
  const table: [string, Local, string, boolean][] = [
    ['no result yet', { condition: 'unknown', stale: false, lastResult: undefined }, 'unknown', false],
    [
      'first run failed, below the threshold',
      { condition: 'unknown', stale: false, lastResult: 'failure' },
      'fail',
      false,
    ],
    ['passing', { condition: 'passing', stale: false, lastResult: 'success' }, 'pass', false],
    [
      'passing, its last run failed (begun to fail)',
      { condition: 'passing', stale: false, lastResult: 'timeout' },
      'fail',
      false,
    ],
    ['failing', { condition: 'failing', stale: false, lastResult: 'failure' }, 'fail', true],
    [
      'failing, one success below successThreshold',
      { condition: 'failing', stale: false, lastResult: 'success' },
      'fail',
      true,
    ],
    [
      'stale: this member’s own problem, no evidence',
      { condition: 'passing', stale: true, lastResult: 'success' },
      'unknown',
      false,
    ],
    ['stale while failing', { condition: 'failing', stale: true, lastResult: 'failure' }, 'unknown', false],
  ];
  for (const [name, check, state, failing] of table) {
    it(`${name}: ${state}`, () => {
      assert.equal(fleetState(check), state);
      assert.equal(locallyFailing(check), failing);
    });
  }
});

describe('/fleetz', () => {
  it('carries the member, the version and the states of the given checks, nothing else', () => {
    const check = (name: string, condition: CheckSnapshot['condition']) =>
      ({
        name,
        condition,
        stale: false,
        output: 'connect ECONNREFUSED 10.0.0.1:5432',
        target: 'tcp://10.0.0.1:5432',
      }) as CheckSnapshot;
    const body = fleetzBody('web-1', [check('db', 'failing'), check('api', 'passing')]);
    const reply = fleetzAnswer(body, 'GET');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.equal(reply.headers['cache-control'], 'no-store');
    assert.deepEqual(JSON.parse(reply.body), {
      member: 'web-1',
      version: VERSION,
      checks: { db: 'fail', api: 'pass' },
    });
    assert.ok(!reply.body.includes('10.0.0.1') && !reply.body.includes('ECONNREFUSED'));
  });

  it('answers GET and HEAD; other methods get 405', () => {
    const body = fleetzBody('m', []);
    assert.equal(fleetzAnswer(body, 'HEAD').status, 200);
    const post = fleetzAnswer(body, 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers['allow'], 'GET, HEAD');
  });

  it('matches /fleetz with or without a query, and nothing else', () => {
    assert.ok(isFleetzPath('/fleetz'));
    assert.ok(isFleetzPath('/fleetz?x'));
    assert.ok(!isFleetzPath('/fleetzz'));
    assert.ok(!isFleetzPath('/fleetz/db'));
  });
});
