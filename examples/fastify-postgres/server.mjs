// A fastify service on PostgreSQL with probekit. Run: node examples/fastify-postgres/server.mjs
// Env (loopback defaults): PGHOST 127.0.0.1, PGPORT 5432, PGUSER postgres, PGPASSWORD, PGDATABASE test,
// HOST 127.0.0.1 (0.0.0.0 in a container), PORT 3000, DRAIN_DELAY_SECONDS 5.

import { createHealth, postgres, registerDefaultMetrics } from '@probekit/sdk';
import { healthPlugin } from '@probekit/sdk/fastify';
import Fastify from 'fastify';
import pg from 'pg';
import { Registry } from 'prom-client';

const env = process.env;
const pool = new pg.Pool({
  host: env.PGHOST ?? '127.0.0.1',
  port: Number(env.PGPORT ?? 5432),
  user: env.PGUSER ?? 'postgres',
  password: env.PGPASSWORD,
  database: env.PGDATABASE ?? 'test',
  max: 10,
});
// A pool emits errors of idle clients (the server restarting): the check reports them, the process must not crash.
pool.on('error', () => {});

// The app's own registry: prom-client's default metrics (less those promtool rejects) and probekit_*.
const registry = new Registry();
registerDefaultMetrics(registry);

const app = Fastify({ logger: true });
const health = createHealth({
  // The app says when it has booted (below, once it listens); until then /readyz answers 503 `starting`.
  startup: 'manual',
  // The app's own pool: no extra connection; readiness fails after 3 failed runs 5 s apart.
  checks: [{ name: 'postgres', check: postgres(pool), periodSeconds: 5 }],
  metrics: { registry },
  shutdown: {
    drainDelaySeconds: Number(env.DRAIN_DELAY_SECONDS ?? 5),
    // Once every request finished: close the pool.
    afterClose: [() => pool.end()],
  },
  logger: app.log,
});

// /livez /readyz /startupz /healthz, /<kind>/<check> and /metrics, without request logs for probes.
await app.register(healthPlugin, { health, metrics: true, logLevel: 'warn' });

app.get('/now', async () => {
  const { rows } = await pool.query('SELECT now() AS now');
  return rows[0];
});

await app.listen({ host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 3000) });
health.markStarted();
