// Public types of the engine. Input types are all-optional and readonly; resolved types are complete.
// Declarations only, each field documented where it is declared: the one module allowed to grow past ~250 lines.
import type { FleetVerdict } from './fleet/decision.js';
import type { FleetSummary } from './fleet/fleet.js';

/** The three kinds of Kubernetes probe a check can gate. */
export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

/** What one run of a check found. A target that is down is an outcome with `ok: false`, not an exception. */
export interface Outcome {
  readonly ok: boolean;
  /** Why it failed (or a note on success); redacted and capped before it is shown. */
  readonly output?: string;
  /** A success that deserves a note, like the kubelet's `probe.Warning` (a redirect to another host). */
  readonly warning?: string;
  readonly observedValue?: unknown;
  readonly observedUnit?: string;
}

/**
 * One check kind's runner (`checks/http.ts`, `checks/tcp.ts`, …): runs once, honours `signal`,
 * resolves an Outcome. Throwing `CheckUnknownError` means "could not decide": the engine logs
 * and discards that run. Any other throw or rejection counts as a failure.
 */
export interface Prober {
  /** `httpGet`, `tcpSocket`, `exec`, `grpc`, `function`, `manual`, or a client check's name. */
  readonly kind: string;
  /** A redacted description of the target, for logs and tables (`tcp://127.0.0.1:5432`). */
  readonly target: string;
  /**
   * Identifies the definition, so a reload can keep the state of a check that did not change.
   * Two probers with equal identities do the same thing.
   */
  readonly identity: unknown;
  /** IETF health+json `componentType`. */
  readonly componentType?: string;
  /** Values (header values, passwords) that must never appear in an answer, a log line or a metric. */
  readonly secrets?: readonly string[];
  /**
   * `true`: the application reports this check's results (`engine.report()`), so the engine never runs it on
   * a schedule and its result never goes stale (`manual()`).
   * @default false
   */
  readonly reported?: boolean;
  /**
   * One run. `signal` aborts when this run times out or the engine stops. It belongs to this run only:
   * once the run has ended the engine may hand it to the next run (it does when nothing listens on it any
   * more), so work left behind must not keep it to learn of its own end.
   */
  run(signal: AbortSignal): Promise<Outcome>;
  /**
   * Releases what the prober holds between runs (a histogram, a channel); called on `stop()` and on
   * removal. A later `run()` (the engine started again) must acquire it afresh.
   */
  dispose?(): void;
}

/** A function check: resolve (optionally with an observed value) to pass; throw or reject to fail. */
// biome-ignore lint/suspicious/noConfusingVoidType: `async () => { await ping() }` returns Promise<void>
export type CheckFunction = (signal: AbortSignal) => Promise<void | CheckValue> | void | CheckValue;

/** What a function check may resolve with. */
export interface CheckValue {
  readonly observedValue?: unknown;
  readonly observedUnit?: string;
}

/** Timing and threshold fields, as in a Kubernetes Probe. */
export interface CheckTiming {
  /**
   * Seconds to wait before the first run.
   * @default 0
   */
  readonly initialDelaySeconds?: number;
  /**
   * Seconds between the starts of two runs; fractions allowed.
   * @default 10
   */
  readonly periodSeconds?: number;
  /**
   * Seconds a run may take before it is aborted and counted as a `timeout` failure.
   * @default 1
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive successes to become passing. Must be 1 for liveness and startup checks.
   * @default 1
   */
  readonly successThreshold?: number;
  /**
   * Consecutive failures to become failing.
   * @default 3
   */
  readonly failureThreshold?: number;
}

/** A check as the caller declares it. */
export interface CheckSpec extends CheckTiming {
  /** Unique; `^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$`. */
  readonly name: string;
  /** What to run: a Prober from a kind's factory, or a plain async function. */
  readonly check: Prober | CheckFunction;
  /**
   * Which probe kinds this check gates.
   * @default ['readiness']
   */
  readonly probes?: readonly ProbeKind[];
  /**
   * `false`: a failure makes the answer `warn` (still 200), never `fail`.
   * @default true
   */
  readonly critical?: boolean;
  /** IETF health+json `componentType`; defaults to the prober's. */
  readonly componentType?: string;
  /**
   * `shared`: a dependency every replica shares (a database, an upstream API). With a fleet, a failure most
   * members share keeps readiness (docs/fleet.md). Readiness checks only.
   * @default 'local'
   */
  readonly scope?: CheckScope;
}

/** Whether a check's dependency is this replica's own, or shared by every replica. */
export type CheckScope = 'local' | 'shared';

/** A validated, complete, frozen check. */
export interface ResolvedCheck {
  readonly name: string;
  readonly prober: Prober;
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
  readonly probes: readonly ProbeKind[];
  readonly critical: boolean;
  readonly componentType: string;
  readonly scope: CheckScope;
}

/** How one run ended, as counted by `probekit_check_runs_total{result}`. */
export type RunResult = 'success' | 'failure' | 'timeout';

/** A finished run, emitted as the engine's `run` event. */
export interface RunRecord {
  readonly check: string;
  readonly result: RunResult;
  readonly durationMs: number;
  /** Epoch milliseconds when the run finished. */
  readonly finishedAt: number;
  /** How late the run started against its schedule (event-loop lag, a full concurrency cap), in ms. */
  readonly lateMs: number;
  readonly output?: string;
}

/**
 * The thresholded state of a check, before the probe kind is applied:
 * `unknown` until a threshold is first crossed (readiness reads it as failing, liveness as passing).
 */
export type CheckCondition = 'unknown' | 'passing' | 'failing';

/** IETF health+json status. */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/** One check in a snapshot. */
export interface CheckSnapshot {
  readonly name: string;
  readonly kind: string;
  readonly target: string;
  readonly probes: readonly ProbeKind[];
  readonly critical: boolean;
  readonly componentType: string;
  readonly scope: CheckScope;
  /** What the fleet makes of a shared check failing here (readiness reads it); absent otherwise. */
  readonly fleet?: FleetVerdict | undefined;
  readonly condition: CheckCondition;
  /** Startup has passed once for this check (startup latches). */
  readonly startupLatched: boolean;
  /** No run finished within the staleness bound: counts as failing whatever `condition` says. */
  readonly stale: boolean;
  /** Redacted, capped reason of the last run (or `stale`). */
  readonly output?: string | undefined;
  readonly warning?: string | undefined;
  readonly observedValue?: unknown | undefined;
  readonly observedUnit?: string | undefined;
  /** Epoch milliseconds of the last finished run. */
  readonly lastRunAt?: number | undefined;
  readonly lastDurationMs?: number | undefined;
  readonly lastResult?: RunResult | undefined;
  readonly lastSuccessAt?: number | undefined;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  /** Its thresholds, to tell how far it is from changing state. */
  readonly successThreshold: number;
  readonly failureThreshold: number;
  /** Epoch milliseconds of its last change of state (its condition, or going stale); before any, when it was defined. */
  readonly since: number;
  /** Its last results, newest first: at most `HISTORY_LENGTH`. */
  readonly history: readonly HistoryEntry[];
}

/** One finished run in a check's history. */
export interface HistoryEntry {
  /** Epoch milliseconds when it finished. */
  readonly at: number;
  readonly durationMs: number;
  readonly outcome: RunResult;
  /** Why it failed, or the warning of a success; redacted and capped. */
  readonly reason?: string | undefined;
}

/** How many results a check's history keeps. */
export const HISTORY_LENGTH = 64;

/** One probe kind's aggregate. */
export interface ProbeSnapshot {
  readonly status: HealthStatus;
  /** Set when the kind fails for a reason of its own: `starting`. */
  readonly reason?: string;
}

/** An immutable view of every check at one moment; answers are rendered from it alone. */
export interface Snapshot {
  /** Increases with every change; answers are cached per version. */
  readonly version: number;
  /** Epoch milliseconds when it was taken. */
  readonly takenAt: number;
  readonly checks: readonly CheckSnapshot[];
  readonly byName: ReadonlyMap<string, CheckSnapshot>;
  /** The fleet this member is in, when it is in one (docs/fleet.md). */
  readonly fleet?: FleetSummary | undefined;
  readonly probes: Readonly<Record<ProbeKind, ProbeSnapshot>>;
}

/** Emitted as the engine's `change` event when a check's or a probe kind's state changes, and only then. */
export type ChangeEvent =
  | {
      readonly type: 'check';
      readonly check: string;
      readonly from: CheckCondition | 'stale';
      readonly to: CheckCondition | 'stale';
      readonly output?: string;
    }
  | {
      readonly type: 'probe';
      readonly probe: ProbeKind;
      readonly from: HealthStatus;
      readonly to: HealthStatus;
      readonly reason?: string;
      /** The checks that caused it: newly failing (or warning) ones when it got worse, recovered or removed ones when it got better. */
      readonly checks: readonly string[];
    };
