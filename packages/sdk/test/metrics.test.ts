// registerDefaultMetrics(): prom-client's defaults on the app's registry, less the names promtool rejects.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { register as globalRegistry, Registry } from 'prom-client';
import { NONCONFORMING_DEFAULT_METRICS, registerDefaultMetrics } from '../src/index.js';

it('registers the default metrics on the given registry, less the gauges named like counters', async () => {
  const registry = new Registry();
  const before = globalRegistry.getMetricsAsArray().length;
  registerDefaultMetrics(registry);
  const page = await registry.metrics();
  assert.match(page, /^process_cpu_seconds_total /m);
  assert.match(page, /^# TYPE nodejs_active_handles gauge$/m, 'the unsuffixed twin stays');
  for (const name of NONCONFORMING_DEFAULT_METRICS) {
    assert.equal(registry.getSingleMetric(name), undefined, name);
    assert.doesNotMatch(page, new RegExp(`^${name} `, 'm'));
  }
  assert.equal(globalRegistry.getMetricsAsArray().length, before, 'the global registry is untouched');
});
