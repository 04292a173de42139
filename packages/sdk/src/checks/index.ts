// Client checks that reuse the app's own connection, and checks of the process itself; each returns a core Prober.
/// <reference types="node" preserve="true" />
export { type AmqpChannel, type AmqpConnection, type AmqpOptions, amqp } from './amqp.js';
export { type EventLoopDelayOptions, eventLoopDelay } from './event-loop.js';
export { type HeapUsageOptions, heapUsage } from './heap.js';
export {
  type MysqlConnection,
  type MysqlOptions,
  type MysqlPool,
  type MysqlPoolConnection,
  type MysqlPromiseConnection,
  type MysqlPromisePool,
  mysql,
} from './mysql.js';
export { type NatsConnection, nats } from './nats.js';
export { type PgClient, type PgPool, type PgPoolClient, type PostgresOptions, postgres } from './postgres.js';
export { type IoRedisClient, type NodeRedisClient, redis } from './redis.js';
