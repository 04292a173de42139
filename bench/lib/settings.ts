// How long and how often each section measures: the full run (RESULTS.md) and the quick smoke run (CI, bench/out/).

export interface Settings {
  readonly quick: boolean;
  /** Repetitions of every load measurement; the median and min–max are reported. */
  readonly reps: number;
  /** Throughput: seconds of warm-up per server, then seconds per measurement. */
  readonly warmupSeconds: number;
  readonly loadSeconds: number;
  /** Throughput alone: rounds over all endpoints and seconds per measurement (more, shorter: bursts of other load hit fewer). */
  readonly rounds: number;
  readonly roundSeconds: number;
  /** Keep-alive connections the load generator holds open. */
  readonly connections: number;
  /** The endpoints measured head-to-head against their baseline: all, or the ones named. */
  readonly headToHead: 'all' | readonly string[];
  readonly coldStartReps: number;
  /** Rounds of the RSS measurement (every server started, then left idle side by side). */
  readonly rssReps: number;
  /** How long after its spawn a server's RSS is read. */
  readonly idleMs: number;
  /** The host app at a fixed request rate: requests per second, seconds per measurement, repetitions (pairs). */
  readonly appRate: number;
  readonly appSeconds: number;
  readonly appReps: number;
  /** /metrics scrape cost: check counts and scrapes measured per count. */
  readonly metricsCounts: readonly number[];
  readonly scrapes: number;
  /** Check cost: each worker's warm-up and measuring window, in ms. */
  readonly costWarmupMs: number;
  readonly costWindowMs: number;
  /** Scale: each worker's warm-up and measuring window, in ms. */
  readonly scaleWarmupMs: number;
  readonly scaleWindowMs: number;
  /** Check counts of the scale section. */
  readonly scaleCounts: readonly number[];
  readonly reactionReps: number;
  /** The reaction section's check period (failureThreshold 3, timeout 1 s or the period if shorter). */
  readonly reactionPeriodSeconds: number;
  /** The answer() microbenchmark: ms per measurement. */
  readonly microMs: number;
}

export const FULL: Settings = {
  quick: false,
  reps: 3,
  warmupSeconds: 2,
  loadSeconds: 5,
  rounds: 5,
  roundSeconds: 3,
  connections: 32,
  headToHead: 'all',
  coldStartReps: 5,
  rssReps: 3,
  idleMs: 10_000,
  appRate: 2000,
  appSeconds: 10,
  appReps: 5,
  metricsCounts: [10, 100, 1000],
  scrapes: 200,
  costWarmupMs: 2000,
  costWindowMs: 5000,
  scaleWarmupMs: 2500,
  scaleWindowMs: 10_000,
  scaleCounts: [10, 100, 1000, 5000],
  reactionReps: 3,
  reactionPeriodSeconds: 1,
  microMs: 1000,
};

export const QUICK: Settings = {
  quick: true,
  reps: 1,
  warmupSeconds: 0,
  loadSeconds: 1,
  rounds: 1,
  roundSeconds: 1,
  connections: 32,
  headToHead: ['sidecar', 'sdk-node'],
  coldStartReps: 1,
  rssReps: 1,
  idleMs: 3000,
  appRate: 500,
  appSeconds: 1,
  appReps: 1,
  metricsCounts: [10, 1000],
  scrapes: 10,
  costWarmupMs: 200,
  costWindowMs: 400,
  scaleWarmupMs: 700,
  scaleWindowMs: 700,
  scaleCounts: [10, 1000],
  reactionReps: 1,
  reactionPeriodSeconds: 0.25,
  microMs: 150,
};
