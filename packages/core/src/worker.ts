// One check's worker, after the kubelet's prober/worker.go: its timer (initial delay, first-run jitter, fixed
// rate), its runs (never two at once, each under the global cap) and its threshold counters.
import type { CheckUnknownError } from './errors.js';
import type { Limiter } from './limiter.js';
import { type Run, type RunEnd, reusableController, startRun } from './run.js';
import { applyResult, INITIAL_THRESHOLD_STATE, type ThresholdState } from './state.js';
import type { CheckStatus, StatusStore } from './status-store.js';
import type { Outcome, ResolvedCheck } from './types.js';

/** What a worker shares with the others. */
export interface WorkerContext {
  readonly limiter: Limiter;
  readonly store: StatusStore;
  /** The source of the first run's jitter, in [0, 1). */
  readonly random: () => number;
  /** Whether first runs are spread now: only when many checks would start together. */
  readonly spreadFirstRuns: () => boolean;
  /** A run thrown away because its prober could not decide. */
  readonly discarded: (check: string, error: CheckUnknownError) => void;
}

/** Runs one check on its schedule and counts its results against its thresholds. */
export class Worker {
  readonly check: ResolvedCheck;
  /** The check's entry in the store. */
  readonly status: CheckStatus;
  #context: WorkerContext;
  #state: ThresholdState = INITIAL_THRESHOLD_STATE;
  #nextDueAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  /** The run in flight, which `halt()` cancels. */
  #run: Run | undefined;
  /** The last run's controller, for the next run to reuse if it can. */
  #controller: AbortController | undefined;
  /** Bumped by `halt()`: a run started under an older epoch (or waiting for a slot then) records nothing. */
  #epoch = 0;

  constructor(check: ResolvedCheck, context: WorkerContext) {
    this.check = check;
    this.#context = context;
    this.status = context.store.open(check);
  }

  /** How the run in flight (if any) ends. */
  get end(): Promise<RunEnd> | undefined {
    return this.#run?.end;
  }

  /** Neither scheduled nor running: a check added to a started engine, or a startup-only check that latched. */
  get idle(): boolean {
    return this.#timer === undefined && !this.#running;
  }

  /** Schedules the first run, after the initial delay (and a jitter when many checks start); a reported check never runs. */
  start(): void {
    if (this.check.prober.reported) return;
    // Many checks starting together are spread over at most one period, at most 1 s, so that they do not all
    // connect at once; a few run at once: their jitter would only put off the first answer (bench/ANALYSIS.md).
    const spread = this.#context.spreadFirstRuns();
    const jitter = spread ? this.#context.random() * Math.min(this.check.periodSeconds * 1000, 1000) : 0;
    this.#nextDueAt = performance.now() + this.check.initialDelaySeconds * 1000 + jitter;
    this.#context.store.expect(this.status, this.#nextDueAt);
    this.#arm();
  }

  /** Stops the schedule and cancels the run in flight: nothing started before records anything. */
  halt(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#epoch++;
    this.#run?.cancel();
  }

  /** Applies a result the application reports, at once and without thresholds. */
  report(outcome: Outcome): void {
    this.#state = applyResult(this.#state, outcome.ok, { successThreshold: 1, failureThreshold: 1 });
    const result = outcome.ok ? 'success' : 'failure';
    this.#context.store.record(this.status, this.#state, outcome, { result, durationMs: 0 });
  }

  #arm(): void {
    const delay = Math.max(0, this.#nextDueAt - performance.now());
    this.#timer = setTimeout(() => this.#tick(), delay).unref();
  }

  #tick(): void {
    this.#timer = undefined;
    const dueAt = this.#nextDueAt;
    // Fixed rate, like the kubelet's ticker: ticks missed while a run was late are skipped, not queued.
    const now = performance.now();
    const periodMs = this.check.periodSeconds * 1000;
    do this.#nextDueAt += periodMs;
    while (this.#nextDueAt <= now);
    this.#arm();
    if (this.#running) return; // ATTENTION: runs of one check never overlap
    this.#running = true;
    void this.#runOnce(dueAt);
  }

  async #runOnce(dueAt: number): Promise<void> {
    const epoch = this.#epoch;
    const { limiter, store } = this.#context;
    try {
      if (!limiter.tryAcquire()) await limiter.acquire();
      if (this.#epoch !== epoch) return;
      const startedAt = performance.now();
      this.#controller = reusableController(this.#controller);
      const run = startRun(this.check.prober, this.check.timeoutSeconds * 1000, this.#controller);
      this.#run = run;
      const end = await run.end;
      this.#run = undefined;
      if (end.result === 'cancelled' || this.#epoch !== epoch) return;
      if (end.result === 'unknown') {
        this.#context.discarded(this.check.name, end.error);
        return;
      }
      this.#state = applyResult(this.#state, end.outcome.ok, this.check);
      store.record(this.status, this.#state, end.outcome, {
        result: end.result,
        durationMs: end.durationMs,
        lateMs: startedAt - dueAt,
      });
      // A check that gates only startup has nothing left to do once startup latched.
      if (this.#state.startupLatched && !this.status.freshness.runsForever) this.halt();
    } finally {
      limiter.release();
      this.#running = false;
    }
  }
}
