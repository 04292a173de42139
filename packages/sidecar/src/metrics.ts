// The sidecar's /metrics registry: probekit's metrics plus prom-client's default process metrics, on a registry of its own.
import { type Engine, registerMetrics } from '@probekit/core';
import { registerDefaultMetrics } from '@probekit/sdk/internal';
import { Registry } from 'prom-client';

/** A new registry (never prom-client's global one) with the engine's metrics and the default ones promtool accepts. */
export function createRegistry(engine: Engine): Registry {
  const registry = new Registry();
  registerDefaultMetrics(registry);
  registerMetrics(registry, engine);
  return registry;
}
