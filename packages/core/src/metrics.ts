// The contract's Prometheus metrics, on the caller's registry (never the global one). Labels: check, probe, result,
// state, and the check's definition on probekit_check_info (kind, probes, critical, scope).
import type { Registry } from 'prom-client';
import type { Engine } from './engine.js';
import { lazy } from './lazy.js';
import { passesFor } from './state.js';
import { PROBE_KINDS } from './types.js';
import { VERSION } from './version.js';

// prom-client (tens of ms and several MiB to load) only once metrics are registered: importing core must not
// load it for whoever serves none (`probekit probe` in a HEALTHCHECK, an SDK app without a registry).
const promClient = lazy<typeof import('prom-client')>('prom-client');

/** Check-run durations, in seconds: probes answer in ms, time out in seconds. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The contract's metric names. */
export const METRIC_NAMES = [
  'probekit_check_up',
  'probekit_check_duration_seconds',
  'probekit_check_runs_total',
  'probekit_check_last_success_timestamp_seconds',
  'probekit_check_info',
  'probekit_check_consecutive_failures',
  'probekit_check_last_transition_timestamp_seconds',
  'probekit_probe_up',
  'probekit_build_info',
  'probekit_check_fleet_outage',
  'probekit_fleet_members',
] as const;

/** Registers probekit's metrics for `engine` on `registry`; returns a function that unregisters them. */
export function registerMetrics(registry: Registry, engine: Engine): () => void {
  const { Counter, Gauge, Histogram } = promClient();
  const registers = [registry];
  new Gauge({
    name: 'probekit_check_up',
    help: 'Whether the check is passing (1) or failing (0), thresholds and staleness applied.',
    labelNames: ['check'] as const,
    registers,
    collect() {
      this.reset();
      for (const check of engine.snapshot().checks) {
        const passing = check.probes.every((probe) => passesFor(check, probe));
        this.set({ check: check.name }, passing ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'probekit_check_last_success_timestamp_seconds',
    help: 'Unix time of the check’s last successful run.',
    labelNames: ['check'] as const,
    registers,
    collect() {
      this.reset();
      for (const check of engine.snapshot().checks) {
        if (check.lastSuccessAt !== undefined) this.set({ check: check.name }, check.lastSuccessAt / 1000);
      }
    },
  });
  // The definition as labels on a constant 1, to join onto the other series: `* on(check) group_left(kind) …`.
  new Gauge({
    name: 'probekit_check_info',
    help: 'A check’s definition: its kind, the probe kinds it gates, whether it is critical, its scope; always 1.',
    labelNames: ['check', 'kind', 'probes', 'critical', 'scope'] as const,
    registers,
    collect() {
      this.reset();
      for (const check of engine.snapshot().checks) {
        this.set(
          {
            check: check.name,
            kind: check.kind,
            probes: check.probes.join(','),
            critical: String(check.critical),
            scope: check.scope,
          },
          1,
        );
      }
    },
  });
  new Gauge({
    name: 'probekit_check_consecutive_failures',
    help: 'Failed runs in a row, counted against failureThreshold; 0 after a success.',
    labelNames: ['check'] as const,
    registers,
    collect() {
      this.reset();
      for (const check of engine.snapshot().checks)
        this.set({ check: check.name }, check.consecutiveFailures);
    },
  });
  new Gauge({
    name: 'probekit_check_last_transition_timestamp_seconds',
    help: 'Unix time of the check’s last change of state (passing, failing, stale); when it was defined before any.',
    labelNames: ['check'] as const,
    registers,
    collect() {
      this.reset();
      for (const check of engine.snapshot().checks) this.set({ check: check.name }, check.since / 1000);
    },
  });
  new Gauge({
    name: 'probekit_probe_up',
    help: 'Whether the probe kind answers 200 (1) or 503 (0).',
    labelNames: ['probe'] as const,
    registers,
    collect() {
      const probes = engine.snapshot().probes;
      for (const probe of PROBE_KINDS) this.set({ probe }, probes[probe].status === 'fail' ? 0 : 1);
    },
  });
  new Gauge({
    name: 'probekit_check_fleet_outage',
    help: 'Whether a shared check is kept ready through an outage most of the fleet shares (1) or not (0).',
    labelNames: ['check'] as const,
    registers,
    collect() {
      this.reset();
      for (const check of engine.snapshot().checks) {
        if (check.scope !== 'shared') continue;
        const outage = check.fleet?.status === 'warn' && check.fleet.outage;
        this.set({ check: check.name }, outage ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'probekit_fleet_members',
    help: 'Members of the fleet in its latest round: answering (this one included) and silent (asked, no answer).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      const view = engine.fleet?.view;
      if (!view) return;
      this.set({ state: 'answering' }, view.answering);
      this.set({ state: 'silent' }, view.silent);
    },
  });
  const duration = new Histogram({
    name: 'probekit_check_duration_seconds',
    help: 'How long check runs took, in seconds.',
    labelNames: ['check'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const runs = new Counter({
    name: 'probekit_check_runs_total',
    help: 'Check runs by result: success, failure or timeout.',
    labelNames: ['check', 'result'] as const,
    registers,
  });
  const build = new Gauge({
    name: 'probekit_build_info',
    help: 'probekit’s version; always 1.',
    labelNames: ['version'] as const,
    registers,
  });
  build.set({ version: VERSION }, 1);

  const onRun = (run: { check: string; result: string; durationMs: number }) => {
    duration.observe({ check: run.check }, run.durationMs / 1000);
    runs.inc({ check: run.check, result: run.result });
  };
  const onRemoved = (check: string) => {
    duration.remove({ check });
    for (const result of ['success', 'failure', 'timeout']) runs.remove({ check, result });
  };
  engine.on('run', onRun);
  engine.on('removed', onRemoved);
  return () => {
    engine.off('run', onRun);
    engine.off('removed', onRemoved);
    for (const name of METRIC_NAMES) registry.removeSingleMetric(name);
  };
}
