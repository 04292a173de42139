// The fleet's rule: tables for the reasons, and a property over random fleets and sequences of rounds,
// run through the real Fleet (only the HTTP fetch is replaced), against a plain model of the contract.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ASKING_REASON,
  decide,
  type FleetRule,
  NO_OUTAGE,
  nextOutage,
  showsOutage,
  tally,
} from '../../src/fleet/decision.js';
import { Fleet } from '../../src/fleet/fleet.js';
import type { FleetzBody } from '../../src/fleet/fleetz.js';
import type { FleetState } from '../../src/fleet/local.js';
import { resolveFleet } from '../../src/fleet/options.js';
import type { CheckSnapshot } from '../../src/types.js';
import { checkSnapshot } from '../snapshot.js';

const rule: FleetRule = { outagePercent: 50, minMembers: 2 };

describe('decide', () => {
  const round = (failing: number, answering: number, outage: boolean, askedWhileFailing = true) =>
    decide({ kind: 'round', rule, check: { peers: { failing, answering }, outage, askedWhileFailing } });

  it('an outage keeps the member ready, saying how many fail', () => {
    assert.deepEqual(round(6, 7, true), {
      status: 'warn',
      outage: true,
      reason: 'shared outage: failing on 7 of 8 members; kept ready',
    });
  });

  it('a failure the fleet was not asked about yet is a warning', () => {
    assert.deepEqual(round(0, 7, false, false), { status: 'warn', outage: false, reason: ASKING_REASON });
    assert.equal(ASKING_REASON, 'shared check failing; asking the fleet');
  });

  it('a check that never passed was never ready: it waits for the fleet not-ready, and an outage makes it ready', () => {
    const check = (outage: boolean) => ({
      peers: { failing: 7, answering: 7 },
      outage,
      askedWhileFailing: false,
    });
    assert.deepEqual(decide({ kind: 'round', rule, check: check(false) }, false), {
      status: 'fail',
      note: 'shared check, never passed yet; asking the fleet',
    });
    assert.equal(decide({ kind: 'round', rule, check: check(true) }, false).status, 'warn');
  });

  it('the odd one out fails, and says it is not an outage', () => {
    assert.deepEqual(round(0, 7, false), {
      status: 'fail',
      note: 'shared check failing on 1 of 8 members (outagePercent 50): not an outage',
    });
  });

  it('too few members, no round yet, or no fleet: plain semantics, said so', () => {
    assert.deepEqual(round(0, 0, false, false), {
      status: 'fail',
      note: 'shared check, 1 member answering (minMembers 2): plain semantics',
    });
    assert.deepEqual(decide({ kind: 'round', rule: { ...rule, minMembers: 4 }, check: undefined }), {
      status: 'fail',
      note: 'shared check, 1 member answering (minMembers 4): plain semantics',
    });
    assert.deepEqual(decide({ kind: 'waiting' }), {
      status: 'fail',
      note: 'shared check, the fleet not asked yet: plain semantics',
    });
    assert.deepEqual(decide({ kind: 'none' }), {
      status: 'fail',
      note: 'shared check, no fleet configured: plain semantics',
    });
  });

  it('outagePercent is a share of the answering members, self included, at or above it', () => {
    assert.equal(showsOutage({ failing: 1, answering: 3 }, true, rule), true, '2 of 4 = 50%');
    assert.equal(showsOutage({ failing: 0, answering: 2 }, true, rule), false, '1 of 3 < 50%');
    assert.equal(showsOutage({ failing: 3, answering: 3 }, false, rule), false, 'not failing here');
    assert.equal(
      showsOutage({ failing: 0, answering: 0 }, true, { ...rule, minMembers: 1 }),
      true,
      'alone, min 1',
    );
  });

  it('an outage ends after two rounds that do not show it, and a showing round resets the count', () => {
    const seq = (shows: boolean[]) => {
      let state = NO_OUTAGE;
      return shows.map((show) => {
        state = nextOutage(state, show);
        return state.outage;
      });
    };
    assert.deepEqual(seq([false, true, false, true, false, false, false]), [
      false,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('counts pass and fail answers only; unknown and a missing check have no say', () => {
    const answers = [{ fail: 'fail' }, { db: 'fail' }, { db: 'pass' }, { db: 'unknown' }, {}].map(
      (checks) => ({
        checks: checks as Record<string, FleetState>,
      }),
    );
    assert.deepEqual(tally('db', answers), { failing: 1, answering: 2 });
  });
});

// ---- the property ----------------------------------------------------------------------------------------

/** One member in one round: silent, or its state of the check `db`. */
type Peer = 'silent' | FleetState;

interface Round {
  readonly peers: readonly Peer[];
  /** Whether this member is failing when the round starts, and when it ends. */
  readonly failingAtStart: boolean;
  readonly failingAtEnd: boolean;
}

// The fleet reads a check's condition, staleness and last result; the rest of a snapshot plays no part here.
function local(failing: boolean): CheckSnapshot {
  return checkSnapshot({
    componentType: 'datastore',
    condition: failing ? 'failing' : 'passing',
    lastResult: failing ? 'failure' : 'success',
    consecutiveSuccesses: failing ? 0 : 1,
    consecutiveFailures: failing ? 3 : 0,
  });
}

/** The contract, written as plainly as possible over the whole history up to round `r`. */
function model(rounds: readonly Round[], r: number, rule: FleetRule) {
  const counts = (round: Round) => ({
    failing: round.peers.filter((peer) => peer === 'fail').length + 1,
    answering: round.peers.filter((peer) => peer === 'fail' || peer === 'pass').length + 1,
  });
  const shows = (i: number) => {
    const round = rounds[i];
    if (!round?.failingAtEnd) return false;
    const { failing, answering } = counts(round);
    return answering >= rule.minMembers && failing / answering >= rule.outagePercent / 100;
  };
  const round = rounds[r] as Round;
  const { failing, answering } = counts(round);
  // An outage begins at the first round that shows it and ends after two consecutive rounds that do not.
  const outage = shows(r) || (r > 0 && shows(r - 1));
  let verdict: string;
  if (answering < rule.minMembers) verdict = 'fail: plain';
  else if (outage) verdict = `warn: shared outage: failing on ${failing} of ${answering} members; kept ready`;
  else if (!round.failingAtStart) verdict = `warn: ${ASKING_REASON}`;
  else verdict = 'fail: own';
  return {
    outage,
    verdict,
    answering: round.peers.filter((peer) => peer !== 'silent').length + 1,
    silent: round.peers.filter((peer) => peer === 'silent').length,
  };
}

const peerState = fc.constantFrom<Peer>('silent', 'pass', 'fail', 'fail', 'unknown');

const scenario = fc
  .record({
    size: fc.integer({ min: 1, max: 12 }),
    outagePercent: fc.integer({ min: 1, max: 100 }),
    minMembers: fc.integer({ min: 1, max: 6 }),
    selfListed: fc.boolean(),
  })
  .chain((fleet) =>
    fc.record({
      fleet: fc.constant(fleet),
      rounds: fc.array(
        fc.record({
          peers: fc.array(peerState, { minLength: fleet.size - 1, maxLength: fleet.size - 1 }),
          failingAtStart: fc.boolean(),
          failingAtEnd: fc.boolean(),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    }),
  );

describe('the fleet rule over random fleets', () => {
  it('matches the model round after round: outage, hysteresis, reasons, members answering and silent', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ fleet, rounds }) => {
        const peers = Array.from({ length: fleet.size - 1 }, (_, i) => `peer-${i}:1`);
        // DNS lists this member too: it answers with its own id and must not be counted twice.
        const listed = fleet.selfListed ? [...peers, 'me:1'] : peers;
        const options = resolveFleet(
          {
            member: 'me',
            peers: { static: listed },
            outagePercent: fleet.outagePercent,
            minMembers: fleet.minMembers,
          },
          { member: 'me' },
        );
        let current = rounds[0] as Round;
        let failing = current.failingAtStart;
        const events: boolean[] = [];
        const fetch = async (peer: string): Promise<FleetzBody | undefined> => {
          if (peer === 'me:1')
            return { member: 'me', version: '0', checks: { db: failing ? 'fail' : 'pass' } };
          const index = Number(peer.slice('peer-'.length, peer.indexOf(':')));
          const state = current.peers[index] as Peer;
          // The end of the round is when every peer has answered: this member's state then is the one that counts.
          return state === 'silent'
            ? undefined
            : { member: `peer-${index}`, version: '0', checks: { db: state } };
        };
        const instance = new Fleet(options, () => [local(failing)], { fetch });
        instance.on('outage', (change) => events.push(change.outage));
        let previousOutage = false;
        for (const [r, round] of rounds.entries()) {
          current = round;
          failing = round.failingAtStart;
          const pending = instance.refresh();
          failing = round.failingAtEnd;
          await pending;
          const expected = model(rounds, r, options);
          const view = instance.view;
          assert.equal(view.rounds, r + 1);
          assert.equal(view.answering, expected.answering);
          assert.equal(view.silent, expected.silent);
          assert.equal(view.checks.get('db')?.outage, expected.outage, `outage after round ${r}`);
          if (failing) {
            const verdict = decide(instance.standing('db'));
            const got =
              verdict.status === 'warn'
                ? `warn: ${verdict.reason}`
                : `fail: ${verdict.note.endsWith('plain semantics') ? 'plain' : 'own'}`;
            assert.equal(got, expected.verdict, `verdict after round ${r}`);
          }
          if (expected.outage !== previousOutage) assert.equal(events.shift(), expected.outage);
          previousOutage = expected.outage;
        }
        assert.deepEqual(events, [], 'one outage event per change, and only then');
      }),
      { numRuns: 500 },
    );
  });

  it('asks at most `sample` peers a round, whatever the fleet size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 20 }),
        async (size, sample) => {
          const peers = Array.from({ length: size }, (_, i) => `peer-${i}:1`);
          const asked = new Set<string>();
          let calls = 0;
          const fleet = new Fleet(
            resolveFleet({ member: 'me', peers: { static: peers }, sample }, { member: 'me' }),
            () => [],
            {
              fetch: async (peer) => {
                calls++;
                asked.add(peer);
                return { member: peer, version: '0', checks: {} };
              },
            },
          );
          await fleet.refresh();
          assert.equal(calls, Math.min(sample, size));
          assert.equal(asked.size, calls);
          assert.equal(fleet.view.answering, calls + 1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
