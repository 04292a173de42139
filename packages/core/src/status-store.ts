// The status store, after the kubelet's results_manager.go: what each check last found, its past (its last
// results, when it last changed state), the snapshots answers are rendered from, staleness, and the change
// events. Workers record into it; answers and metrics read it. A little over 250 lines on purpose: when a
// snapshot may be reused (state changes coalesced, details refreshed, evidence expiring) is one invariant, kept
// in one class; the rules it applies live beside it (staleness.ts, changes.ts, history.ts, state.ts).

import { type Announced, changeEvents } from './changes.js';
import { decide, type FleetStanding } from './fleet/decision.js';
import type { FleetSummary } from './fleet/fleet.js';
import { fleetState, locallyFailing } from './fleet/local.js';
import { remember } from './history.js';
import { redact } from './redact.js';
import { type Freshness, freshness, staleAt, staleView } from './staleness.js';
import { probeStates, type ThresholdState } from './state.js';
import type {
  ChangeEvent,
  CheckCondition,
  CheckSnapshot,
  Outcome,
  ResolvedCheck,
  RunRecord,
  Snapshot,
} from './types.js';

/** Where the fleet stands for one shared check (the Fleet of fleet/fleet.ts). */
export interface FleetLens {
  standing(check: string): FleetStanding;
  /** For the snapshot (the status page shows it). */
  summary(): FleetSummary;
}

const NO_FLEET: FleetStanding = Object.freeze({ kind: 'none' });

/** How often staleness is looked for while nothing else rebuilds the snapshot. */
const SWEEP_MS = 1000;

/**
 * How late a `change` event may fire after the run that caused it: state changes within this window
 * cost one rebuild. Answers are never late: a request in between rebuilds at once.
 */
const CHANGE_COALESCE_MS = 5;

/** How stale the details of a snapshot (run times, durations, counters) may get; states are never late. */
const DETAILS_REFRESH_MS = 250;

/** How a recorded run ended. */
export interface RunFacts {
  readonly result: RunRecord['result'];
  readonly durationMs: number;
  /** How late the run started against its schedule, in ms. */
  readonly lateMs?: number;
}

/** One check's entry, held by its worker and listed by the store. */
export interface CheckStatus extends Announced {
  readonly check: ResolvedCheck;
  readonly freshness: Freshness;
  view: CheckSnapshot;
  /** Monotonic ms of the last finished run, or of when the first run was due. */
  evidenceAt: number | undefined;
  /** The state `view.since` dates: its condition, with stale counted as failing (a failing check going stale has not changed). */
  sinceState: CheckCondition;
}

export interface StatusStoreOptions {
  /** Values (tokens, passwords) to blank out of every reason, besides each prober's own. */
  readonly secrets: readonly string[];
  readonly onRun: (run: RunRecord) => void;
  readonly onChange: (event: ChangeEvent) => void;
}

/** Keeps every check's latest status and hands out immutable snapshots of them. */
export class StatusStore {
  #options: StatusStoreOptions;
  #entries: readonly CheckStatus[] = [];
  #byName = new Map<string, CheckStatus>();
  #live = false;
  #sweep: NodeJS.Timeout | undefined;
  #snapshot: Snapshot | undefined;
  #validUntil = 0;
  #builtAt = 0;
  #detailsChanged = false;
  #rebuild: NodeJS.Timeout | undefined;
  #version = 0;
  /** The snapshot whose states the last change events announced. */
  #announced: Snapshot | undefined;
  #fleet: FleetLens | undefined;

  constructor(options: StatusStoreOptions) {
    this.#options = options;
  }

  /** A new entry for `check`, not listed until `list()` names it. */
  open(check: ResolvedCheck): CheckStatus {
    return {
      check,
      freshness: freshness(check),
      view: Object.freeze({
        name: check.name,
        kind: check.prober.kind,
        target: check.prober.target,
        probes: check.probes,
        critical: check.critical,
        componentType: check.componentType,
        scope: check.scope,
        condition: 'unknown',
        startupLatched: false,
        stale: false,
        consecutiveSuccesses: 0,
        consecutiveFailures: 0,
        successThreshold: check.successThreshold,
        failureThreshold: check.failureThreshold,
        since: Date.now(),
        history: Object.freeze([]),
      }),
      evidenceAt: undefined,
      announced: 'unknown',
      sinceState: 'unknown',
    };
  }

  /** The entries snapshots show, in this order; rebuilds the snapshot at once. */
  list(entries: readonly CheckStatus[]): void {
    this.#entries = entries;
    this.#byName = new Map(entries.map((entry) => [entry.check.name, entry]));
    this.#snapshot = undefined;
    this.snapshot();
  }

  /** Where the fleet stands for shared checks (undefined: no fleet, plain semantics). */
  setFleet(fleet: FleetLens | undefined): void {
    this.#fleet = fleet;
    this.fleetChanged();
  }

  /** The fleet's view changed (a round ended): rebuilds the snapshot at once, so readiness follows it. */
  fleetChanged(): void {
    this.#snapshot = undefined;
    this.snapshot();
  }

  /** Staleness counts only while checks run: `start()` begins looking for it, `stop()` ends that. */
  start(): void {
    this.#live = true;
    // A snapshot taken before start never expires; one taken now would (a first run that never ends goes stale).
    this.#snapshot = undefined;
    this.#sweep = setInterval(() => this.snapshot(), SWEEP_MS).unref();
  }

  stop(): void {
    this.#live = false;
    clearInterval(this.#sweep);
    clearTimeout(this.#rebuild);
    this.#rebuild = undefined;
  }

  /** The first run of `entry` is due at `at` (monotonic ms): its evidence counts from then. */
  expect(entry: CheckStatus, at: number): void {
    entry.evidenceAt = at;
  }

  /** Records a finished run (or a reported result) and the threshold state it led to; emits `run`. */
  record(entry: CheckStatus, state: ThresholdState, outcome: Outcome, run: RunFacts): void {
    const finishedAt = Date.now();
    const told = entry.check.scope === 'shared' ? fleetState(entry.view) : undefined;
    const output = outcome.output === undefined ? undefined : this.#redact(entry, outcome.output);
    const warning = outcome.warning === undefined ? undefined : this.#redact(entry, outcome.warning);
    const lastSuccessAt = outcome.ok ? finishedAt : entry.view.lastSuccessAt;
    const changed = state.condition !== entry.sinceState;
    entry.sinceState = state.condition;
    entry.evidenceAt = performance.now();
    entry.view = Object.freeze({
      ...entry.view,
      since: changed ? finishedAt : entry.view.since,
      history: remember(entry.view.history, finishedAt, run, output ?? warning),
      condition: state.condition,
      startupLatched: state.startupLatched,
      consecutiveSuccesses: state.consecutiveSuccesses,
      consecutiveFailures: state.consecutiveFailures,
      output,
      warning,
      observedValue: outcome.observedValue,
      observedUnit: outcome.observedUnit,
      lastRunAt: finishedAt,
      lastDurationMs: run.durationMs,
      lastResult: run.result,
      lastSuccessAt,
    });
    this.#options.onRun({
      check: entry.check.name,
      result: run.result,
      durationMs: run.durationMs,
      finishedAt,
      lateMs: run.lateMs ?? 0,
      ...(output !== undefined && { output }),
    });
    // What /fleetz tells the peers is a state too: a first failure below the threshold must not wait for the
    // details refresh, or a peer crossing its threshold meanwhile counts this member as passing (a 503 blip).
    if (state.condition !== entry.announced || (told !== undefined && told !== fleetState(entry.view)))
      this.#stateChanged();
    else this.#detailsChanged = true;
  }

  /**
   * The latest state of every check; cheap to call on every request. It is rebuilt when a state
   * changed or a result went stale, and at most every DETAILS_REFRESH_MS for what changes on every
   * run (times, durations, counters, observed values), so that its answers stay cached.
   */
  snapshot(): Snapshot {
    const now = performance.now();
    if (
      this.#snapshot &&
      now < this.#validUntil &&
      !(this.#detailsChanged && now - this.#builtAt >= DETAILS_REFRESH_MS)
    ) {
      return this.#snapshot;
    }
    let validUntil = Number.POSITIVE_INFINITY;
    const checks: CheckSnapshot[] = [];
    for (const entry of this.#entries) {
      const expires = this.#live
        ? staleAt(entry.check, entry.freshness, entry.view, entry.evidenceAt)
        : Number.POSITIVE_INFINITY;
      const stale = expires <= now;
      if (!stale) validUntil = Math.min(validUntil, expires);
      else if (entry.sinceState !== 'failing') {
        // Stale is failing, since the moment the evidence expired (not this later look at it).
        entry.sinceState = 'failing';
        entry.view = Object.freeze({ ...entry.view, since: Date.now() - (now - expires) });
      }
      const view = stale ? staleView(entry.view, entry.freshness) : entry.view;
      checks.push(view.scope === 'shared' ? this.#withFleet(view) : view);
    }
    const snapshot: Snapshot = Object.freeze({
      version: ++this.#version,
      takenAt: Date.now(),
      checks: Object.freeze(checks),
      byName: new Map(checks.map((check) => [check.name, check])),
      probes: Object.freeze(probeStates(checks)),
      ...(this.#fleet && { fleet: this.#fleet.summary() }),
    });
    this.#snapshot = snapshot;
    this.#validUntil = validUntil;
    this.#builtAt = now;
    this.#detailsChanged = false;
    this.#announce(snapshot);
    return snapshot;
  }

  // A shared check failing here carries what the fleet makes of it; the state function (statusFor) reads that.
  #withFleet(view: CheckSnapshot): CheckSnapshot {
    if (!locallyFailing(view)) return view;
    const standing = this.#fleet ? this.#fleet.standing(view.name) : NO_FLEET;
    return Object.freeze({ ...view, fleet: decide(standing, view.startupLatched) });
  }

  #redact(entry: CheckStatus, text: string): string {
    const own = entry.check.prober.secrets;
    return redact(text, own ? [...this.#options.secrets, ...own] : this.#options.secrets);
  }

  // ATTENTION: state changes close together (a start, a reload, 5,000 checks a second, each run in its own
  // turn of the event loop) cost one rebuild, not one each: the snapshot is dropped now and rebuilt by the
  // next request or CHANGE_COALESCE_MS later, whichever comes first.
  #stateChanged(): void {
    this.#snapshot = undefined;
    this.#rebuild ??= setTimeout(() => {
      this.#rebuild = undefined;
      this.snapshot();
    }, CHANGE_COALESCE_MS).unref();
  }

  #announce(snapshot: Snapshot): void {
    const previous = this.#announced;
    this.#announced = snapshot;
    for (const event of changeEvents(previous, snapshot, (name) => this.#byName.get(name)))
      this.#options.onChange(event);
  }
}
