// An express service on Redis (ioredis) with probekit and Prometheus metrics. Run: node examples/express-redis/server.mjs
// Env (loopback defaults): REDIS_HOST 127.0.0.1, REDIS_PORT 6379, HOST 127.0.0.1 (0.0.0.0 in a container),
// PORT 3000, DRAIN_DELAY_SECONDS 5.

import { createHealth, redis as redisCheck, registerDefaultMetrics } from '@probekit/sdk';
import { healthMiddleware } from '@probekit/sdk/express';
import express from 'express';
import Redis from 'ioredis';
import { Registry } from 'prom-client';

const env = process.env;
const redis = new Redis({ host: env.REDIS_HOST ?? '127.0.0.1', port: Number(env.REDIS_PORT ?? 6379) });
// ioredis reconnects by itself; the check reports the outage, the process must not crash on it.
redis.on('error', () => {});

const registry = new Registry();
// prom-client's default metrics, less the three that `promtool check metrics` rejects (gauges named *_total).
registerDefaultMetrics(registry);

const health = createHealth({
  // The app's own client: a PING per run, observedValue is the round trip in ms.
  checks: [{ name: 'redis', check: redisCheck(redis), periodSeconds: 5 }],
  // probekit_* metrics go to the app's registry, served with the app's own on /metrics.
  metrics: { registry },
  shutdown: {
    drainDelaySeconds: Number(env.DRAIN_DELAY_SECONDS ?? 5),
    afterClose: [() => redis.quit()],
  },
});

const app = express();
app.use(healthMiddleware(health, { metrics: true }));
app.get('/visits', async (_req, res, next) => {
  try {
    res.json({ visits: await redis.incr('probekit-example:visits') });
  } catch (error) {
    next(error);
  }
});

const host = env.HOST ?? '127.0.0.1';
const server = app.listen(Number(env.PORT ?? 3000), host, () => {
  console.log(`listening on http://${host}:${server.address().port}`);
});
// Closed by the graceful shutdown: in-flight requests finish first.
health.attach(server);
