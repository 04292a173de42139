// The probe server: the SDK's (node:http, its limits and its response rules), answering every probe path with
// core's answer() over the engine's snapshot, and /metrics from the sidecar's registry.
import type { Server } from 'node:http';
import { type AnswerOptions, answer, type Engine } from '@probekit/core';
import { fleetzAnswer } from '@probekit/core/internal';
import { createProbeServer as createServer } from '@probekit/sdk/internal';
import type { Registry } from 'prom-client';

export { SERVER_LIMITS } from '@probekit/sdk/internal';

export interface ProbeServerOptions {
  readonly engine: Engine;
  readonly registry: Registry;
  /** Read on every request, so that a reload can change it. */
  readonly details: () => NonNullable<AnswerOptions['details']>;
}

/** An http.Server serving /livez, /readyz, /startupz, /healthz, /<kind>/<check>, /metrics and /fleetz. GET and HEAD only. */
export function createProbeServer(options: ProbeServerOptions): Server {
  const { engine, registry, details } = options;
  return createServer({
    answer: (request) => answer(engine.snapshot(), request, { details: details() }),
    metrics: registry,
    // Read per request: a reload may join, change or leave the fleet.
    fleetz: (method) => (engine.fleet ? fleetzAnswer(engine.fleet.fleetz(), method) : undefined),
  });
}
