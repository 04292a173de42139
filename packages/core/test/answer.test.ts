import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { answer } from '../src/answer.js';
import { manual } from '../src/checks/manual.js';
import { Engine } from '../src/engine.js';
import { isoSeconds } from '../src/explain.js';
import type { CheckSpec } from '../src/types.js';

// A fixed world: db passes, cache fails (critical), search fails (non-critical), app is liveness-only.
function world(extra: CheckSpec[] = []) {
  const engine = new Engine({
    checks: [
      { name: 'db', check: manual({ componentType: 'datastore' }) },
      { name: 'cache', check: manual() },
      { name: 'search', check: manual(), critical: false },
      { name: 'app', check: manual(), probes: ['liveness'] },
      ...extra,
    ],
  });
  engine.report('db', { ok: true, observedValue: 1.5, observedUnit: 'ms' });
  engine.report('cache', { ok: false, output: 'connect ECONNREFUSED 127.0.0.1:6379' });
  engine.report('search', { ok: false, output: 'HTTP probe failed with statuscode: 500' });
  engine.report('app', true);
  return engine;
}

const get = (
  engine: Engine,
  url: string,
  headers: { accept?: string; authorization?: string } = {},
  details?: boolean | { token: string },
) => answer(engine.snapshot(), { method: 'GET', url, ...headers }, details === undefined ? {} : { details });

const DETAILS_LAG_MS = 300;

/** The tail of a verbose line for a check failing once: `(failing since <its since>, 1 in a row)`. */
const failingOnce = (engine: Engine, name: string) =>
  ` (failing since ${isoSeconds(engine.snapshot().byName.get(name)?.since ?? 0)}, 1 in a row)`;

describe('answer', () => {
  it('plain: ok when passing, 503 with the failing lines when failing', () => {
    const engine = world();
    const live = get(engine, '/livez');
    assert.equal(live?.status, 200);
    assert.equal(live?.body, 'ok');
    assert.equal(live?.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(live?.headers['cache-control'], 'no-store');
    const ready = get(engine, '/readyz');
    assert.equal(ready?.status, 503);
    assert.equal(
      ready?.body,
      [
        '[+]db ok',
        `[-]cache failed: connect ECONNREFUSED 127.0.0.1:6379${failingOnce(engine, 'cache')}`,
        `[~]search warn: HTTP probe failed with statuscode: 500${failingOnce(engine, 'search')}`,
        'readyz check failed',
        '',
      ].join('\n'),
    );
  });

  it('verbose lines, exclude (repeatable and unknown names), and a non-critical failure is still 200', () => {
    const engine = world();
    const answered = get(engine, '/readyz?verbose&exclude=cache&exclude=nope');
    assert.equal(answered?.status, 200);
    assert.equal(
      answered?.body,
      [
        '[+]db ok',
        '[+]cache excluded: ok',
        `[~]search warn: HTTP probe failed with statuscode: 500${failingOnce(engine, 'search')}`,
        'warn: some health checks cannot be excluded: no matches for "nope"',
        'readyz check passed',
        '',
      ].join('\n'),
    );
    assert.equal(get(engine, '/livez?verbose')?.body, '[+]app ok\nlivez check passed\n');
  });

  it('one check alone, and 404 for a check outside that kind', () => {
    const engine = world();
    assert.deepEqual([get(engine, '/readyz/db')?.status, get(engine, '/readyz/db')?.body], [200, 'ok']);
    assert.equal(get(engine, '/readyz/cache')?.status, 503);
    assert.equal(
      get(engine, '/readyz/cache?verbose')?.body,
      `[-]cache failed: connect ECONNREFUSED 127.0.0.1:6379${failingOnce(engine, 'cache')}\nreadyz check failed\n`,
    );
    assert.equal(get(engine, '/livez/db')?.status, 404);
    assert.equal(get(engine, '/readyz/missing')?.status, 404);
  });

  it('one check alone fails with 503 whatever `critical` says: critical shapes only the aggregate', () => {
    const engine = world();
    assert.equal(get(engine, '/readyz')?.status, 503);
    assert.equal(get(engine, '/readyz?exclude=cache')?.status, 200, 'search only warns in the aggregate');
    assert.equal(get(engine, '/readyz/search')?.status, 503);
    assert.equal(get(engine, '/healthz/search')?.status, 503);
    assert.equal(
      get(engine, '/readyz/search?verbose')?.body,
      `[-]search failed: HTTP probe failed with statuscode: 500${failingOnce(engine, 'search')}\nreadyz check failed\n`,
    );
    const json = JSON.parse(get(engine, '/readyz/search?format=json')?.body ?? '');
    assert.deepEqual([json.status, json.checks.search[0].status], ['fail', 'fail']);
    assert.equal(get(engine, '/healthz/app')?.status, 200);
  });

  it('health+json per the IETF draft, by Accept or ?format=json', () => {
    const engine = world();
    const byAccept = get(engine, '/readyz', { accept: 'application/health+json' });
    const byQuery = get(engine, '/readyz?format=json');
    assert.equal(byAccept?.headers['content-type'], 'application/health+json');
    assert.equal(byAccept?.body, byQuery?.body);
    const doc = JSON.parse(byAccept?.body ?? '');
    assert.equal(doc.status, 'fail');
    assert.deepEqual(Object.keys(doc.checks), ['db', 'cache', 'search']);
    const [db] = doc.checks.db;
    assert.equal(db.status, 'pass');
    assert.equal(db.componentType, 'datastore');
    assert.equal(db.observedValue, 1.5);
    assert.equal(db.observedUnit, 'ms');
    assert.equal(db.output, undefined, 'no output on pass');
    assert.ok(!Number.isNaN(Date.parse(db.time)));
    assert.equal(db.consecutiveSuccesses, 1);
    assert.equal(doc.checks.cache[0].output, 'connect ECONNREFUSED 127.0.0.1:6379');
    assert.equal(doc.checks.search[0].status, 'warn');
    const plainJson = get(engine, '/livez', { accept: 'application/json' });
    assert.equal(plainJson?.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(plainJson?.body ?? '').status, 'pass');
  });

  it('healthz aggregates every kind; readiness fails with `starting` before startup', () => {
    const engine = world([{ name: 'boot', check: manual(), probes: ['startup'] }]);
    assert.equal(get(engine, '/healthz')?.status, 503);
    const ready = get(engine, '/readyz?exclude=cache&verbose');
    assert.equal(ready?.status, 503);
    assert.match(ready?.body ?? '', /readyz check failed: starting\n$/);
    assert.equal(JSON.parse(get(engine, '/readyz?format=json&exclude=cache')?.body ?? '').output, 'starting');
    assert.equal(
      get(engine, '/startupz?verbose')?.body,
      '[-]boot failed: not started yet\nstartupz check failed\n',
    );
    engine.report('boot', true);
    assert.equal(get(engine, '/readyz?exclude=cache')?.status, 200);
    assert.equal(get(engine, '/livez')?.status, 200, 'liveness never waits for startup');
  });

  it('details off or behind a token: the bare status only', () => {
    const engine = world();
    const hidden = get(engine, '/readyz?verbose', {}, false);
    assert.deepEqual([hidden?.status, hidden?.body], [503, 'readyz check failed\n']);
    assert.equal(
      get(engine, '/readyz', { accept: 'application/health+json' }, false)?.body,
      '{"status":"fail"}',
    );
    const token = { token: 'let-me-in' };
    assert.equal(get(engine, '/readyz?verbose', {}, token)?.body, 'readyz check failed\n');
    assert.equal(
      get(engine, '/readyz?verbose', { authorization: 'Bearer wrong' }, token)?.body,
      'readyz check failed\n',
    );
    assert.match(
      get(engine, '/readyz?verbose', { authorization: 'Bearer let-me-in' }, token)?.body ?? '',
      /\[-\]cache failed/,
    );
  });

  it('verbose lines say since when a check fails and how close a passing one is to failing', async () => {
    const engine = new Engine({ checks: [{ name: 'db', check: manual() }] });
    engine.report('db', true);
    // A manual check flips at once; a counted one is what `(1 failure, 2 more to fail)` is for, in stateNote's table.
    assert.equal(get(engine, '/readyz?verbose')?.body, '[+]db ok\nreadyz check passed\n');
    engine.report('db', { ok: false, output: 'connect ECONNREFUSED 127.0.0.1:5432' });
    engine.report('db', { ok: false, output: 'connect ECONNREFUSED 127.0.0.1:5432' });
    await sleep(DETAILS_LAG_MS); // counters are details: a snapshot shows them within 250 ms
    const since = isoSeconds(engine.snapshot().byName.get('db')?.since ?? 0);
    assert.equal(
      get(engine, '/readyz?verbose')?.body,
      `[-]db failed: connect ECONNREFUSED 127.0.0.1:5432 (failing since ${since}, 2 in a row)\nreadyz check failed\n`,
    );
  });

  it('JSON carries since on every check, and with ?history its last results, newest first', async () => {
    const engine = world();
    engine.report('cache', { ok: false, output: 'connect ETIMEDOUT' });
    await sleep(DETAILS_LAG_MS);
    const plain = JSON.parse(get(engine, '/healthz?format=json')?.body ?? '');
    for (const name of ['db', 'cache', 'search', 'app']) {
      const [entry] = plain.checks[name];
      assert.equal(entry.since, new Date(engine.snapshot().byName.get(name)?.since ?? 0).toISOString(), name);
      assert.equal(entry.history, undefined, 'history only when asked for');
    }
    const withHistory = JSON.parse(get(engine, '/healthz?format=json&history')?.body ?? '');
    const history = withHistory.checks.cache[0].history;
    assert.deepEqual(
      history.map((entry: Record<string, unknown>) => [
        entry['outcome'],
        entry['reason'],
        entry['durationMs'],
      ]),
      [
        ['failure', 'connect ETIMEDOUT', 0],
        ['failure', 'connect ECONNREFUSED 127.0.0.1:6379', 0],
      ],
    );
    assert.ok(history.every((entry: { time: string }) => !Number.isNaN(Date.parse(entry.time))));
    assert.deepEqual(
      withHistory.checks.db[0].history.map((entry: { outcome: string }) => entry.outcome),
      ['success'],
    );
    assert.equal(withHistory.checks.db[0].history[0].reason, undefined);
  });

  it('serves the status page at /status under the details rule: off, or behind the token', () => {
    const engine = world();
    const page = get(engine, '/status');
    assert.equal(page?.status, 200);
    assert.equal(page?.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(page?.headers['content-security-policy'] ?? '', /^default-src 'none'; /);
    assert.equal(get(engine, '/status?anything')?.status, 200);
    assert.equal(get(engine, '/status', {}, false), undefined, 'off: not probekit’s path at all');
    const token = { token: 'let-me-in' };
    assert.equal(get(engine, '/status', {}, token), undefined);
    assert.equal(get(engine, '/status', { authorization: 'Bearer wrong' }, token), undefined);
    assert.equal(get(engine, '/status', { authorization: 'Bearer let-me-in' }, token)?.status, 200);
    assert.equal(answer(engine.snapshot(), { method: 'POST', url: '/status' })?.status, 405);
    for (const url of ['/status/db', '/statusz', '/status/']) assert.equal(get(engine, url), undefined, url);
  });

  it('not a probe path → undefined; other methods → 405', () => {
    const engine = world();
    for (const url of ['/', '/metrics', '/readyzz', '/readyz/db/extra', 'readyz', '/readyz/%E0%A4%A']) {
      assert.equal(answer(engine.snapshot(), { url }), undefined, url);
    }
    const post = answer(engine.snapshot(), { method: 'POST', url: '/readyz' });
    assert.equal(post?.status, 405);
    assert.equal(post?.headers.allow, 'GET, HEAD');
  });

  it('renders once per snapshot and request, then serves the same answer', () => {
    const engine = world();
    const snapshot = engine.snapshot();
    const first = answer(snapshot, { url: '/readyz?verbose' });
    assert.equal(answer(snapshot, { url: '/readyz?verbose' }), first);
    engine.report('cache', true);
    assert.notEqual(answer(engine.snapshot(), { url: '/readyz?verbose' }), first);
    assert.equal(answer(engine.snapshot(), { url: '/readyz' })?.status, 200);
  });
});
