// The sidecar's /metrics registry: probekit's metrics plus prom-client's default process metrics, on a registry of its own.
import { type Engine, registerMetrics } from '@probekit/core';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Default metrics left out because `promtool check metrics` rejects them: gauges named like counters
 * ("non-counter metrics should not have _total suffix"). Their unsuffixed twins stay.
 */
export const EXCLUDED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

/** A new registry (never prom-client's global one) with the engine's metrics and the default ones. */
export function createRegistry(engine: Engine): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of EXCLUDED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  registerMetrics(registry, engine);
  return registry;
}
