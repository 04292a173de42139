// prom-client's default metrics for an app's /metrics page, less those that fail `promtool check metrics`.
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';

// Required on the first call, not at import: an app without metrics never loads prom-client through the SDK.
const require = createRequire(import.meta.url);

/**
 * prom-client's default metrics that `promtool check metrics` rejects: gauges named like counters
 * ("non-counter metrics should not have _total suffix"). Their unsuffixed twins (`nodejs_active_handles`) stay.
 */
export const NONCONFORMING_DEFAULT_METRICS = Object.freeze([
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const);

/**
 * Registers prom-client's default metrics (process CPU and memory, heap, event loop lag, GC) on `registry`,
 * less `NONCONFORMING_DEFAULT_METRICS`, so the page passes promtool as probekit's own metrics do.
 */
export function registerDefaultMetrics(registry: Registry): void {
  const { collectDefaultMetrics } = require('prom-client') as typeof import('prom-client');
  collectDefaultMetrics({ register: registry });
  for (const name of NONCONFORMING_DEFAULT_METRICS) registry.removeSingleMetric(name);
}
