// The fleet in the engine: a shared check's readiness follows the rounds, through the one state function;
// events, metrics and /fleetz. Peers are replaced at the fetch (the process boundary); the rest is real.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { answer } from '../../src/answer.js';
import { manual } from '../../src/checks/manual.js';
import { Engine } from '../../src/engine.js';
import type { FleetState } from '../../src/fleet/local.js';
import { resolveFleet } from '../../src/fleet/options.js';
import { registerMetrics } from '../../src/metrics.js';
import type { ChangeEvent } from '../../src/types.js';

const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
});

/** An engine with a shared `db` (manual) and a local `cache`, in a fleet of `peers` peers whose `db` says `peerState`. */
function member(peers: number) {
  const engine = new Engine({
    checks: [
      { name: 'db', check: manual(), scope: 'shared' },
      { name: 'cache', check: manual() },
    ],
  });
  engines.push(engine);
  let peerState: FleetState = 'pass';
  const addresses = Array.from({ length: peers }, (_, i) => `peer-${i}:1`);
  engine.setFleet(resolveFleet({ member: 'me', peers: { static: addresses } }, { member: 'me' }), {
    fetch: async (peer) => ({ member: peer, version: '0', checks: { db: peerState } }),
  });
  engine.report('cache', true);
  const readyz = () => answer(engine.snapshot(), { url: '/readyz?verbose' });
  return {
    engine,
    readyz,
    peers: (state: FleetState) => {
      peerState = state;
    },
    round: () => engine.fleet!.refresh(),
  };
}

describe('the fleet in the engine', () => {
  it('a shared outage keeps readiness with the reason; it ends after two rounds without it', async () => {
    const { engine, readyz, peers, round } = member(7);
    const outages: boolean[] = [];
    engine.on('outage', (change) => outages.push(change.outage));
    const probes: ChangeEvent[] = [];
    engine.on(
      'change',
      (event) => event.type === 'probe' && event.probe === 'readiness' && probes.push(event),
    );
    engine.report('db', true);
    await round();
    assert.equal(readyz()?.status, 200);

    // It fails here and on 6 of 7 peers; the fleet has not been asked since: warn, not a blip.
    peers('fail');
    engine.report('db', { ok: false, output: 'connect ECONNREFUSED 10.0.0.1:5432' });
    assert.equal(readyz()?.status, 200);
    assert.match(readyz()?.body ?? '', /^\[~\]db warn: shared check failing; asking the fleet/m);

    await round();
    assert.equal(readyz()?.status, 200);
    assert.match(
      readyz()?.body ?? '',
      /^\[~\]db warn: shared outage: failing on 8 of 8 members; kept ready/m,
    );
    assert.deepEqual(outages, [true]);

    // The dependency is back for the others but not here: one calm round keeps the outage, the second ends it.
    peers('pass');
    await round();
    assert.equal(readyz()?.status, 200);
    await round();
    assert.equal(readyz()?.status, 503);
    assert.match(
      readyz()?.body ?? '',
      /^\[-\]db failed: connect ECONNREFUSED 10\.0\.0\.1:5432.*shared check failing on 1 of 8 members \(outagePercent 50\): not an outage/m,
    );
    assert.deepEqual(outages, [true, false]);
    // Ready once db first passed, warn (still 200) through asking and the outage, fail once the odd one out.
    assert.deepEqual(
      probes.map((event) => event.type === 'probe' && event.to),
      ['pass', 'warn', 'fail'],
    );
  });

  it('/fleetz says the raw local state, never the fleet-adjusted one', async () => {
    const { engine, peers, round } = member(3);
    peers('fail');
    engine.report('db', false);
    await round();
    assert.deepEqual(engine.fleet!.fleetz().checks, { db: 'fail' }, 'only shared checks, as failing');
    assert.equal(engine.fleet!.fleetz().member, 'me');
  });

  // Peers ask as soon as they cross their threshold, a period after their first failure: a /fleetz still
  // saying `pass` then (a snapshot kept up to 250 ms for its details) made them the odd one out of a shared
  // outage — a 503 blip from a member the contract keeps ready.
  it('/fleetz says a first failed run at once, below the threshold, and the next success too', async (t) => {
    let down = false;
    const engine = new Engine({
      checks: [
        {
          name: 'db',
          scope: 'shared',
          periodSeconds: 0.05,
          failureThreshold: 3,
          check: () => {
            if (down) throw new Error('refused');
          },
        },
      ],
      random: () => 0,
    });
    engines.push(engine);
    engine.setFleet(resolveFleet({ member: 'me', peers: { static: ['p:1'] } }, { member: 'me' }), {
      fetch: async () => undefined,
    });
    // What /fleetz says just after each run (the run event comes as the result is recorded).
    const said: { result: string; fleetz: string | undefined; condition: string | undefined }[] = [];
    engine.on('run', (run) => {
      engine.snapshot(); // answers in between keep a snapshot fresh, as probes and peers do
      setImmediate(() =>
        said.push({
          result: run.result,
          fleetz: engine.fleet!.fleetz().checks['db'],
          condition: engine.snapshot().byName.get('db')?.condition,
        }),
      );
    });
    engine.start();
    t.after(() => engine.stop());
    // Counted by outcome, not by runs: a run already under way when `down` flips still ends as it began.
    const seen = (result: string) => said.filter((entry) => entry.result === result).length;
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await until(() => seen('success') >= 2);
    down = true;
    await until(() => seen('failure') >= 2);
    down = false;
    const before = seen('success');
    await until(() => seen('success') > before);
    const firstFailure = said.findIndex((entry) => entry.result === 'failure');
    assert.deepEqual(said[firstFailure], { result: 'failure', fleetz: 'fail', condition: 'passing' });
    assert.deepEqual(said[firstFailure + 1], { result: 'failure', fleetz: 'fail', condition: 'passing' });
    const firstSuccess = said.findIndex((entry, i) => i > firstFailure && entry.result === 'success');
    assert.deepEqual(said[firstSuccess], { result: 'success', fleetz: 'pass', condition: 'passing' });
  });

  it('only readiness, only shared checks, only towards warn: a local check fails as always', async () => {
    const { engine, readyz, peers, round } = member(3);
    engine.report('db', true);
    peers('fail');
    engine.report('cache', { ok: false, output: 'down everywhere' });
    await round();
    assert.equal(readyz()?.status, 503);
    assert.match(readyz()?.body ?? '', /^\[-\]cache failed: down everywhere/m);
  });

  it('no fleet: plain semantics, and the verbose line says so', () => {
    const engine = new Engine({ checks: [{ name: 'db', check: manual(), scope: 'shared' }] });
    engines.push(engine);
    engine.report('db', true);
    engine.report('db', { ok: false, output: 'refused' });
    const reply = answer(engine.snapshot(), { url: '/readyz?verbose' });
    assert.equal(reply?.status, 503);
    assert.match(
      reply?.body ?? '',
      /^\[-\]db failed: refused.*shared check, no fleet configured: plain semantics/m,
    );
  });

  it('leaving the fleet returns to plain semantics at once', async () => {
    const { engine, readyz, peers, round } = member(3);
    engine.report('db', true);
    peers('fail');
    engine.report('db', false);
    await round();
    assert.equal(readyz()?.status, 200);
    engine.setFleet(undefined);
    assert.equal(readyz()?.status, 503);
  });

  it('metrics: probekit_check_fleet_outage per shared check, probekit_fleet_members answering and silent', async () => {
    const registry = new Registry();
    const { engine, peers, round } = member(3);
    registerMetrics(registry, engine);
    engine.report('db', true);
    peers('fail');
    engine.report('db', false);
    await round();
    const text = await registry.metrics();
    assert.match(text, /^probekit_check_fleet_outage\{check="db"\} 1$/m);
    assert.doesNotMatch(text, /probekit_check_fleet_outage\{check="cache"\}/);
    assert.match(text, /^probekit_fleet_members\{state="answering"\} 4$/m);
    assert.match(text, /^probekit_fleet_members\{state="silent"\} 0$/m);
  });

  it('the status page shows the fleet: this member, the latest round, each shared check across the fleet', async () => {
    const { engine, peers, round } = member(3);
    engine.report('db', true);
    peers('fail');
    engine.report('db', { ok: false, output: 'refused' });
    await round();
    const page = answer(engine.snapshot(), { url: '/status' })?.body ?? '';
    assert.match(page, /<h2 id="fleet-title">Fleet<\/h2>/);
    assert.match(page, /<dt>member<\/dt><dd>me<\/dd>/);
    assert.match(page, /<dd>4 answering \(this one included\), 0 silent<\/dd>/);
    assert.match(
      page,
      /<tr id="fleet-db"><th scope="row">db<\/th><td>fail<\/td><td>failing on 4 of 4<\/td><td class="reason">shared outage: failing on 4 of 4 members; kept ready<\/td><\/tr>/,
    );
    assert.doesNotMatch(page, /id="fleet-cache"/, 'local checks are not the fleet’s');
  });

  it('the status page says when shared checks have no fleet', () => {
    const engine = new Engine({ checks: [{ name: 'db', check: manual(), scope: 'shared' }] });
    engines.push(engine);
    const page = answer(engine.snapshot(), { url: '/status' })?.body ?? '';
    assert.match(page, /No fleet configured: the shared checks \(db\) have plain semantics\./);
    const plain = new Engine({ checks: [{ name: 'db', check: manual() }] });
    engines.push(plain);
    assert.doesNotMatch(answer(plain.snapshot(), { url: '/status' })?.body ?? '', /fleet-title/);
  });

  it('rounds run while the engine runs, and stop with it', async () => {
    const engine = new Engine({ checks: [{ name: 'db', check: manual(), scope: 'shared' }] });
    engines.push(engine);
    let asked = 0;
    engine.setFleet(
      resolveFleet({ member: 'me', peers: { static: ['p:1'] }, refreshSeconds: 0.1 }, { member: 'me' }),
      {
        random: () => 0,
        fetch: async () => {
          asked++;
          return undefined;
        },
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(asked, 0, 'not before start()');
    engine.start();
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.ok(asked >= 2, `${asked} rounds`);
    await engine.stop();
    const after = asked;
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(asked, after);
    assert.equal(engine.fleet!.view.silent, 1);
  });
});
