// The fleet's rule as pure functions: what a round of answers makes of each shared check, and what that
// makes of the check's answer. Tested against a plain model over random fleets (test/fleet/decision.test.ts).
import type { FleetState } from './local.js';

/** The two knobs of the rule. */
export interface FleetRule {
  readonly outagePercent: number;
  readonly minMembers: number;
}

/** What the peers that answered said of one check: this member is not in it. */
export interface Tally {
  /** Peers that said `fail`. */
  readonly failing: number;
  /** Peers that said `pass` or `fail` (a peer without the check, or `unknown`, has no say). */
  readonly answering: number;
}

/** Counts the peers' answers for `check`. */
export function tally(
  check: string,
  answers: Iterable<{ readonly checks: Readonly<Record<string, FleetState>> }>,
): Tally {
  let failing = 0;
  let answering = 0;
  for (const answer of answers) {
    const state = Object.hasOwn(answer.checks, check) ? answer.checks[check] : undefined;
    if (state === 'fail') failing++;
    if (state === 'fail' || state === 'pass') answering++;
  }
  return { failing, answering };
}

/** Members failing and answering, this one (failing) included: the numbers a reason shows. */
export function withSelf(peers: Tally): Tally {
  return { failing: peers.failing + 1, answering: peers.answering + 1 };
}

/** Whether a round shows an outage: this member failing, enough members, and at least outagePercent of them failing. */
export function showsOutage(peers: Tally, selfFailing: boolean, rule: FleetRule): boolean {
  if (!selfFailing) return false;
  const all = withSelf(peers);
  return all.answering >= rule.minMembers && all.failing * 100 >= rule.outagePercent * all.answering;
}

/** The hysteresis of one shared check: an outage begins at a round that shows it, and ends after two that do not. */
export interface OutageState {
  readonly outage: boolean;
  /** Consecutive rounds that did not show the outage while it lasted. */
  readonly calm: number;
}

export const NO_OUTAGE: OutageState = Object.freeze({ outage: false, calm: 0 });

/** Rounds without the outage that end it. */
export const CALM_ROUNDS_TO_END = 2;

/** Applies one round. */
export function nextOutage(state: OutageState, shows: boolean): OutageState {
  if (shows) return state.outage && state.calm === 0 ? state : { outage: true, calm: 0 };
  if (!state.outage || state.calm + 1 >= CALM_ROUNDS_TO_END) return NO_OUTAGE;
  return { outage: true, calm: state.calm + 1 };
}

/** What the latest round found for one shared check. */
export interface FleetCheckView {
  readonly peers: Tally;
  readonly outage: boolean;
  /** This member was failing when the round began: the fleet has been asked since the check failed. */
  readonly askedWhileFailing: boolean;
}

/** Where the fleet stands for a member, as a check's answer needs it. */
export type FleetStanding =
  | { readonly kind: 'none' }
  | { readonly kind: 'waiting' }
  | { readonly kind: 'round'; readonly rule: FleetRule; readonly check: FleetCheckView | undefined };

/**
 * What the fleet makes of a failing shared check: `warn` keeps the member ready (an outage everyone shares,
 * or a failure the fleet has not been asked about yet); `fail` is the plain answer, with a note saying why.
 */
export type FleetVerdict =
  | { readonly status: 'warn'; readonly outage: boolean; readonly reason: string }
  | { readonly status: 'fail'; readonly note: string };

export const ASKING_REASON = 'shared check failing; asking the fleet';

/**
 * The verdict for a shared check that is failing locally (a passing one needs none). `passedBefore`: the
 * check has passed since the process started, so that failing is a change the fleet must be asked about
 * before it empties anything; a check that never passed was never ready, and waits for the fleet not-ready.
 */
export function decide(standing: FleetStanding, passedBefore = true): FleetVerdict {
  if (standing.kind === 'none')
    return { status: 'fail', note: 'shared check, no fleet configured: plain semantics' };
  if (standing.kind === 'waiting') {
    return { status: 'fail', note: 'shared check, the fleet not asked yet: plain semantics' };
  }
  const { rule, check } = standing;
  const peers = check?.peers ?? { failing: 0, answering: 0 };
  const all = withSelf(peers);
  if (all.answering < rule.minMembers) {
    const members = all.answering === 1 ? '1 member' : `${all.answering} members`;
    return {
      status: 'fail',
      note: `shared check, ${members} answering (minMembers ${rule.minMembers}): plain semantics`,
    };
  }
  if (check?.outage) {
    return {
      status: 'warn',
      outage: true,
      reason: `shared outage: failing on ${all.failing} of ${all.answering} members; kept ready`,
    };
  }
  if (!check?.askedWhileFailing) {
    return passedBefore
      ? { status: 'warn', outage: false, reason: ASKING_REASON }
      : { status: 'fail', note: 'shared check, never passed yet; asking the fleet' };
  }
  return {
    status: 'fail',
    note: `shared check failing on ${all.failing} of ${all.answering} members (outagePercent ${rule.outagePercent}): not an outage`,
  };
}
