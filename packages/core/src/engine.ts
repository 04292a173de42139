// The engine: one worker per check runs it in the background; probe answers only ever read snapshots.
// A composition of the rooms that do the work: worker.ts (schedule, runs, thresholds), limiter.ts (the global
// cap), status-store.ts (snapshots, staleness, change events).
import { EventEmitter } from 'node:events';
import { resolveChecks, sameDefinition } from './definition.js';
import { type CheckUnknownError, InvalidCheckError, UnknownCheckError } from './errors.js';
import { Fleet, type FleetDeps, type OutageChange } from './fleet/fleet.js';
import type { ResolvedFleet } from './fleet/options.js';
import { Limiter } from './limiter.js';
import { StatusStore } from './status-store.js';
import type { ChangeEvent, CheckSpec, Outcome, ResolvedCheck, RunRecord, Snapshot } from './types.js';
import { Worker, type WorkerContext } from './worker.js';

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
   * The source of the first run's jitter, in [0, 1) (first runs are spread only above FIRST_RUN_SPREAD_ABOVE checks).
   * @default Math.random
   */
  readonly random?: () => number;
}

/** Up to this many checks run their first run at once; more are spread over up to one period (at most 1 s). */
export const FIRST_RUN_SPREAD_ABOVE = 50;

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
  /** A shared check's fleet outage began or ended (docs/fleet.md). */
  outage: [OutageChange];
}

/** Runs checks on their schedules and keeps their kubelet-style state. Owns no server, reads no environment. */
export class Engine extends EventEmitter<EngineEvents> {
  #workers = new Map<string, Worker>();
  /** How many checks run on a schedule (reported ones do not). */
  #scheduled = 0;
  #started = false;
  #store: StatusStore;
  #context: WorkerContext;
  #fleet: Fleet | undefined;

  constructor(options: EngineOptions = {}) {
    super();
    const max = options.maxConcurrentRuns ?? 32;
    if (!Number.isInteger(max) || max < 1) {
      throw new InvalidCheckError('maxConcurrentRuns', 'must be an integer of at least 1', max);
    }
    this.#store = new StatusStore({
      secrets: options.secrets ?? [],
      onRun: (run) => this.emit('run', run),
      onChange: (event) => this.emit('change', event),
    });
    this.#context = {
      limiter: new Limiter(max),
      store: this.#store,
      random: options.random ?? Math.random,
      spreadFirstRuns: () => this.#scheduled > FIRST_RUN_SPREAD_ABOVE,
      discarded: (check, error) => this.emit('discarded', { check, error }),
    };
    this.setChecks(options.checks ?? []);
  }

  /** The resolved checks, in declaration order. */
  get checks(): readonly ResolvedCheck[] {
    return [...this.#workers.values()].map((worker) => worker.check);
  }

  get started(): boolean {
    return this.#started;
  }

  /** The fleet this member belongs to, if one is set: its `/fleetz`, its latest round. */
  get fleet(): Fleet | undefined {
    return this.#fleet;
  }

  /**
   * Joins a fleet (replacing any other) or, with undefined, leaves it: shared checks then have plain semantics.
   * The fleet's rounds run while the engine does. `deps` replaces its I/O, for tests.
   */
  setFleet(options: ResolvedFleet | undefined, deps?: FleetDeps): void {
    this.#fleet?.stop();
    this.#fleet?.removeAllListeners();
    this.#fleet = undefined;
    if (options) {
      const fleet = new Fleet(
        options,
        () => this.#store.snapshot().checks.filter((check) => check.scope === 'shared'),
        deps,
      );
      fleet.on('round', () => this.#store.fleetChanged());
      fleet.on('outage', (change) => this.emit('outage', change));
      this.#fleet = fleet;
      if (this.#started) fleet.start();
    }
    this.#store.setFleet(this.#fleet);
  }

  /** Starts every check's schedule. Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#store.start();
    for (const worker of this.#workers.values()) worker.start();
    this.#fleet?.start();
  }

  /** Stops every schedule, aborts runs in flight and waits (at most 2 s) for their probers to let go. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#fleet?.stop();
    this.#store.stop();
    const ends = [...this.#workers.values()].flatMap((worker) => worker.end ?? []);
    for (const worker of this.#workers.values()) worker.halt();
    await settleWithin(ends, 2000);
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
      const kept = old !== undefined && sameDefinition(old.check, check);
      next.set(check.name, kept ? old : new Worker(check, this.#context));
      (kept ? summary.kept : summary.added).push(check.name);
    }
    for (const [name, old] of this.#workers) {
      if (next.get(name) === old) continue;
      old.halt();
      // A replaced prober is the old definition's: it will not run again.
      if (next.get(name)?.check.prober !== old.check.prober) old.check.prober.dispose?.();
      if (!next.has(name)) {
        summary.removed.push(name);
        this.emit('removed', name);
      }
    }
    this.#workers = next;
    this.#scheduled = resolved.filter((check) => !check.prober.reported).length;
    if (this.#started) for (const worker of next.values()) if (worker.idle) worker.start();
    this.#store.list([...next.values()].map((worker) => worker.status));
    return summary;
  }

  /** Reports the result of a check whose prober is `reported` (`manual()`): applied at once, no threshold. */
  report(name: string, outcome: boolean | Outcome): void {
    const worker = this.#workers.get(name);
    if (!worker) throw new UnknownCheckError(name, 'is not defined');
    if (!worker.check.prober.reported) throw new UnknownCheckError(name, 'is not a manual() check');
    worker.report(typeof outcome === 'boolean' ? { ok: outcome } : outcome);
    this.snapshot(); // a switch the app flips is announced before report() returns
  }

  /**
   * The latest state of every check; cheap to call on every request. It is rebuilt when a state
   * changed or a result went stale, and at most every 250 ms for what changes on every run (times,
   * durations, counters, observed values), so that its answers stay cached.
   */
  snapshot(): Snapshot {
    return this.#store.snapshot();
  }
}

async function settleWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms).unref();
  });
  await Promise.race([Promise.allSettled(promises), limit]);
  clearTimeout(timer);
}
