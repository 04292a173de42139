// The engine: one worker per check runs it in the background; probe answers only ever read snapshots.
import { EventEmitter } from 'node:events';
import { MANUAL_KIND } from './checks/manual.js';
import { resolveChecks, sameDefinition } from './definition.js';
import { type CheckUnknownError, InvalidCheckError, UnknownCheckError } from './errors.js';
import { redact } from './redact.js';
import { type Run, type RunEnd, reusableController, startRun } from './run.js';
import { applyResult, INITIAL_THRESHOLD_STATE, probeStates, type ThresholdState } from './state.js';
import type {
  ChangeEvent,
  CheckCondition,
  CheckSnapshot,
  CheckSpec,
  Outcome,
  ProbeKind,
  ResolvedCheck,
  RunRecord,
  Snapshot,
} from './types.js';
import { PROBE_KINDS } from './types.js';

export interface EngineOptions {
  /** The checks to run (resolved ones, from `resolveCheck()`, are not validated again); more can be set later with `setChecks()`. */
  readonly checks?: readonly (CheckSpec | ResolvedCheck)[];
  /**
   * At most this many runs at once across all checks; others wait their turn.
   * @default 32
   */
  readonly maxConcurrentRuns?: number;
  /** Values (tokens, passwords) to blank out of every reason, besides each prober's own. */
  readonly secrets?: readonly string[];
  /**
   * The source of the first run's jitter, in [0, 1).
   * @default Math.random
   */
  readonly random?: () => number;
}

/** A run the engine threw away because the prober could not decide. */
export interface DiscardedRun {
  readonly check: string;
  readonly error: CheckUnknownError;
}

export interface EngineEvents {
  change: [ChangeEvent];
  run: [RunRecord];
  discarded: [DiscardedRun];
  removed: [string];
}

interface Worker {
  readonly check: ResolvedCheck;
  /** The contract's bound, period × failureThreshold + timeout, in ms. */
  readonly staleBoundMs: number;
  /** Beyond this long without a finished run, the result is stale: the bound plus a scheduling tolerance. */
  readonly staleAfterMs: number;
  readonly runsForever: boolean;
  state: ThresholdState;
  view: CheckSnapshot;
  /** Monotonic ms of the last finished run, or of when the first run was due. */
  evidenceAt: number | undefined;
  nextDueAt: number;
  timer: NodeJS.Timeout | undefined;
  running: boolean;
  /** The run in flight, which #halt cancels. */
  run: Run | undefined;
  /** The last run's controller, for the next run to reuse if it can. */
  controller: AbortController | undefined;
  /** Bumped by #halt: a run started under an older epoch (or waiting for a slot then) records nothing. */
  epoch: number;
  /** The condition last announced by a `change` event (`stale` included). */
  announced: CheckCondition | 'stale';
}

const SWEEP_MS = 1000;

/**
 * How late a `change` event may fire after the run that caused it: state changes within this window
 * cost one rebuild. Answers are never late: a request in between rebuilds at once.
 */
const CHANGE_COALESCE_MS = 5;

/** How stale the details of a snapshot (run times, durations, counters) may get; states are never late. */
const DETAILS_REFRESH_MS = 250;

/**
 * A share of one period (of at most 1 s) added to the staleness bound. At failureThreshold 1 the
 * bound equals the longest gap between two healthy runs (one instant, the next taking its whole
 * timeout), so without it an ordinary late timer would read a healthy check as stale.
 */
const STALE_TOLERANCE = 0.25;

function staleBound(check: ResolvedCheck): number {
  return (check.periodSeconds * check.failureThreshold + check.timeoutSeconds) * 1000;
}

/** Runs checks on their schedules and keeps their kubelet-style state. Owns no server, reads no environment. */
export class Engine extends EventEmitter<EngineEvents> {
  #workers = new Map<string, Worker>();
  #started = false;
  #slots: number;
  #waiting: (() => void)[] = [];
  #inFlight = new Set<Promise<RunEnd>>();
  #secrets: readonly string[];
  #random: () => number;
  #sweep: NodeJS.Timeout | undefined;
  #snapshot: Snapshot | undefined;
  #validUntil = 0;
  #builtAt = 0;
  #detailsChanged = false;
  #rebuild: NodeJS.Timeout | undefined;
  #version = 0;
  #announcedProbes: Record<ProbeKind, Snapshot['probes'][ProbeKind]> | undefined;

  constructor(options: EngineOptions = {}) {
    super();
    const max = options.maxConcurrentRuns ?? 32;
    if (!Number.isInteger(max) || max < 1) {
      throw new InvalidCheckError('maxConcurrentRuns', 'must be an integer of at least 1', max);
    }
    this.#slots = max;
    this.#secrets = options.secrets ?? [];
    this.#random = options.random ?? Math.random;
    this.setChecks(options.checks ?? []);
  }

  /** The resolved checks, in declaration order. */
  get checks(): readonly ResolvedCheck[] {
    return [...this.#workers.values()].map((worker) => worker.check);
  }

  get started(): boolean {
    return this.#started;
  }

  /** Starts every check's schedule. Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const worker of this.#workers.values()) this.#schedule(worker, true);
    this.#sweep = setInterval(() => this.snapshot(), SWEEP_MS).unref();
  }

  /** Stops every schedule, aborts runs in flight and waits (at most 2 s) for their probers to let go. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    clearInterval(this.#sweep);
    clearTimeout(this.#rebuild);
    this.#rebuild = undefined;
    for (const worker of this.#workers.values()) this.#halt(worker);
    await settleWithin([...this.#inFlight], 2000);
    for (const worker of this.#workers.values()) worker.check.prober.dispose?.();
  }

  /**
   * Replaces the checks. A check whose definition did not change keeps its state and its place
   * in the schedule; all specs are validated first, so an invalid list changes nothing.
   */
  setChecks(specs: readonly (CheckSpec | ResolvedCheck)[]): {
    added: string[];
    removed: string[];
    kept: string[];
  } {
    const resolved = resolveChecks(specs);
    const next = new Map<string, Worker>();
    const summary = { added: [] as string[], removed: [] as string[], kept: [] as string[] };
    for (const check of resolved) {
      const old = this.#workers.get(check.name);
      if (old && sameDefinition(old.check, check)) {
        next.set(check.name, old);
        summary.kept.push(check.name);
      } else {
        const worker = this.#createWorker(check);
        next.set(check.name, worker);
        summary.added.push(check.name);
      }
    }
    for (const [name, old] of this.#workers) {
      if (next.get(name) === old) continue;
      this.#halt(old);
      // A replaced prober is the old definition's: it will not run again.
      if (next.get(name)?.check.prober !== old.check.prober) old.check.prober.dispose?.();
      if (!next.has(name)) {
        summary.removed.push(name);
        this.emit('removed', name);
      }
    }
    this.#workers = next;
    if (this.#started) {
      for (const worker of next.values())
        if (worker.timer === undefined && !worker.running) this.#schedule(worker, true);
    }
    this.#invalidate();
    return summary;
  }

  /** Reports the result of a `manual()` check: applied at once, no threshold. */
  report(name: string, outcome: boolean | Outcome): void {
    const worker = this.#workers.get(name);
    if (!worker) throw new UnknownCheckError(name, 'is not defined');
    if (worker.check.prober.kind !== MANUAL_KIND)
      throw new UnknownCheckError(name, 'is not a manual() check');
    const result: Outcome = typeof outcome === 'boolean' ? { ok: outcome } : outcome;
    const state = applyResult(worker.state, result.ok, { successThreshold: 1, failureThreshold: 1 });
    this.#record(worker, state, result, { result: result.ok ? 'success' : 'failure', durationMs: 0 });
    this.snapshot(); // a switch the app flips is announced before report() returns
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
    for (const worker of this.#workers.values()) {
      const staleAt = this.#staleAt(worker);
      const stale = staleAt <= now;
      if (!stale) validUntil = Math.min(validUntil, staleAt);
      checks.push(stale ? staleView(worker) : worker.view);
    }
    const snapshot: Snapshot = Object.freeze({
      version: ++this.#version,
      takenAt: Date.now(),
      checks: Object.freeze(checks),
      byName: new Map(checks.map((check) => [check.name, check])),
      probes: Object.freeze(probeStates(checks)),
    });
    this.#snapshot = snapshot;
    this.#validUntil = validUntil;
    this.#builtAt = now;
    this.#detailsChanged = false;
    this.#announce(snapshot);
    return snapshot;
  }

  #createWorker(check: ResolvedCheck): Worker {
    const view: CheckSnapshot = Object.freeze({
      name: check.name,
      kind: check.prober.kind,
      target: check.prober.target,
      probes: check.probes,
      critical: check.critical,
      componentType: check.componentType,
      condition: 'unknown',
      startupLatched: false,
      stale: false,
      consecutiveSuccesses: 0,
      consecutiveFailures: 0,
    });
    return {
      check,
      staleBoundMs: staleBound(check),
      staleAfterMs: staleBound(check) + Math.min(check.periodSeconds * 1000, 1000) * STALE_TOLERANCE,
      runsForever: check.probes.some((probe) => probe !== 'startup'),
      state: INITIAL_THRESHOLD_STATE,
      view,
      evidenceAt: undefined,
      nextDueAt: 0,
      timer: undefined,
      running: false,
      run: undefined,
      controller: undefined,
      epoch: 0,
      announced: 'unknown',
    };
  }

  // Monotonic time at which the worker's evidence expires; never for manual or latched startup-only checks.
  #staleAt(worker: Worker): number {
    if (worker.evidenceAt === undefined || !this.#started || worker.check.prober.kind === MANUAL_KIND) {
      return Number.POSITIVE_INFINITY;
    }
    if (!worker.runsForever && worker.state.startupLatched) return Number.POSITIVE_INFINITY;
    return worker.evidenceAt + worker.staleAfterMs;
  }

  #schedule(worker: Worker, first: boolean): void {
    if (worker.check.prober.kind === MANUAL_KIND) return;
    const periodMs = worker.check.periodSeconds * 1000;
    const now = performance.now();
    if (first) {
      // A small jitter spreads checks that start together; at most one period, at most 1 s.
      const jitter = this.#random() * Math.min(periodMs, 1000);
      worker.nextDueAt = now + worker.check.initialDelaySeconds * 1000 + jitter;
      worker.evidenceAt = worker.nextDueAt;
    } else {
      // Fixed rate, like the kubelet's ticker: ticks missed while a run was late are skipped, not queued.
      do worker.nextDueAt += periodMs;
      while (worker.nextDueAt <= now);
    }
    worker.timer = setTimeout(() => this.#tick(worker), Math.max(0, worker.nextDueAt - now)).unref();
  }

  #tick(worker: Worker): void {
    worker.timer = undefined;
    if (!this.#started || this.#workers.get(worker.check.name) !== worker) return;
    const dueAt = worker.nextDueAt;
    this.#schedule(worker, false);
    if (worker.running) return; // ATTENTION: runs of one check never overlap
    worker.running = true;
    void this.#run(worker, dueAt);
  }

  async #run(worker: Worker, dueAt: number): Promise<void> {
    const epoch = worker.epoch;
    try {
      if (!this.#tryAcquire()) await new Promise<void>((resolve) => this.#waiting.push(resolve));
      if (worker.epoch !== epoch) return;
      const startedAt = performance.now();
      worker.controller = reusableController(worker.controller);
      const run = startRun(worker.check.prober, worker.check.timeoutSeconds * 1000, worker.controller);
      worker.run = run;
      this.#inFlight.add(run.end);
      const end = await run.end;
      this.#inFlight.delete(run.end);
      worker.run = undefined;
      if (end.result === 'cancelled' || worker.epoch !== epoch) return;
      if (end.result === 'unknown') {
        this.emit('discarded', { check: worker.check.name, error: end.error });
        return;
      }
      const state = applyResult(worker.state, end.outcome.ok, worker.check);
      this.#record(worker, state, end.outcome, {
        result: end.result,
        durationMs: end.durationMs,
        lateMs: startedAt - dueAt,
      });
      if (state.startupLatched && !worker.runsForever) this.#halt(worker);
    } finally {
      this.#release();
      worker.running = false;
    }
  }

  #record(
    worker: Worker,
    state: ThresholdState,
    outcome: Outcome,
    run: { result: RunRecord['result']; durationMs: number; lateMs?: number },
  ): void {
    const finishedAt = Date.now();
    const output = outcome.output === undefined ? undefined : this.#redact(worker, outcome.output);
    const warning = outcome.warning === undefined ? undefined : this.#redact(worker, outcome.warning);
    const lastSuccessAt = outcome.ok ? finishedAt : worker.view.lastSuccessAt;
    worker.state = state;
    worker.evidenceAt = performance.now();
    worker.view = Object.freeze({
      ...worker.view,
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
    this.emit('run', {
      check: worker.check.name,
      result: run.result,
      durationMs: run.durationMs,
      finishedAt,
      lateMs: run.lateMs ?? 0,
      ...(output !== undefined && { output }),
    });
    if (state.condition !== worker.announced) this.#stateChanged();
    else this.#detailsChanged = true;
  }

  #redact(worker: Worker, text: string): string {
    const own = worker.check.prober.secrets;
    return redact(text, own ? [...this.#secrets, ...own] : this.#secrets);
  }

  // Rebuilds the snapshot now, so that change events fire as soon as a state changes.
  #invalidate(): void {
    this.#snapshot = undefined;
    this.snapshot();
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
    for (const check of snapshot.checks) {
      const worker = this.#workers.get(check.name);
      if (!worker) continue;
      const now = check.stale ? 'stale' : check.condition;
      if (now === worker.announced) continue;
      const from = worker.announced;
      worker.announced = now;
      this.emit('change', {
        type: 'check',
        check: check.name,
        from,
        to: now,
        ...(check.output !== undefined && { output: check.output }),
      });
    }
    const previous = this.#announcedProbes;
    this.#announcedProbes = snapshot.probes;
    if (!previous) return;
    for (const probe of PROBE_KINDS) {
      const before = previous[probe];
      const after = snapshot.probes[probe];
      if (before.status === after.status) continue;
      this.emit('change', {
        type: 'probe',
        probe,
        from: before.status,
        to: after.status,
        ...(after.reason !== undefined && { reason: after.reason }),
      });
    }
  }

  #halt(worker: Worker): void {
    clearTimeout(worker.timer);
    worker.timer = undefined;
    worker.epoch++;
    worker.run?.cancel();
  }

  // Synchronous when a slot is free, so that a run costs no extra promise below the cap.
  #tryAcquire(): boolean {
    if (this.#slots === 0) return false;
    this.#slots--;
    return true;
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#slots++;
  }
}

function staleView(worker: Worker): CheckSnapshot {
  const seconds = Math.round(worker.staleBoundMs / 100) / 10;
  return Object.freeze({
    ...worker.view,
    stale: true,
    output: `stale: no run finished in the last ${seconds}s`,
  });
}

async function settleWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms).unref();
  });
  await Promise.race([Promise.allSettled(promises), limit]);
  clearTimeout(timer);
}
