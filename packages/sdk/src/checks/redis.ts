// Redis through the app's own client, `ioredis` or `redis` (node-redis v4/v5): PING, expecting PONG.
import { InvalidCheckError, type Outcome, type Prober } from '@probekit/core';
import {
  ClientCalls,
  clientIdentity,
  elapsedMs,
  errorMessage,
  redactedUrl,
  secretsOf,
  serviceUrl,
  urlPassword,
} from './common.js';

/** The part of an `ioredis` client the check uses. */
export interface IoRedisClient {
  /** `wait`, `connecting`, `connect`, `ready`, `reconnecting`, `close`, `end`. */
  readonly status: string;
  ping(): Promise<unknown>;
  readonly options?: {
    readonly host?: string | undefined;
    readonly port?: number | undefined;
    readonly path?: string | undefined;
    readonly db?: number | undefined;
    readonly password?: string | undefined;
  };
}

/** The part of a `redis` (node-redis v4/v5) client the check uses. */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  ping(): Promise<unknown>;
  /** v5: a command not yet written when the signal fires is taken off the queue. */
  withAbortSignal?(signal: AbortSignal): { ping(): Promise<unknown> };
  readonly options?:
    | {
        readonly url?: string | undefined;
        readonly socket?:
          | {
              readonly host?: string | undefined;
              readonly port?: number | undefined;
              readonly path?: string | undefined;
            }
          | undefined;
        readonly database?: number | undefined;
        readonly password?: string | undefined;
      }
    | undefined;
}

/**
 * PINGs the app's Redis client and expects PONG. observedValue: the round trip in ms.
 * A client that is not connected fails at once with its state instead of queueing the PING until
 * it reconnects (ioredis's offline queue, node-redis's queue). A PING already sent cannot be
 * recalled: runs fail fast until it settles (set ioredis `commandTimeout` to bound it).
 */
export function redis(client: IoRedisClient | NodeRedisClient): Prober {
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.ping !== 'function' ||
    (!isIoRedis(client) && !isNodeRedis(client))
  ) {
    throw new InvalidCheckError('redis', 'must be an ioredis or node-redis client', client);
  }
  const calls = new ClientCalls();
  const settings = isIoRedis(client) ? ioRedisSettings(client) : nodeRedisSettings(client);
  return {
    kind: 'redis',
    target: settings.target,
    identity: clientIdentity('redis', client),
    componentType: 'datastore',
    secrets: secretsOf(settings.password),
    async run(signal): Promise<Outcome> {
      const notReady = isIoRedis(client) ? ioRedisNotReady(client) : nodeRedisNotReady(client);
      if (notReady) return { ok: false, output: notReady };
      const start = performance.now();
      try {
        const reply = await calls.call(signal, 'PING', () =>
          isIoRedis(client) ? client.ping() : (client.withAbortSignal?.(signal) ?? client).ping(),
        );
        if (!isPong(reply)) return { ok: false, output: `PING: unexpected reply ${describeReply(reply)}` };
        return { ok: true, observedValue: elapsedMs(start), observedUnit: 'ms' };
      } catch (error) {
        return { ok: false, output: errorMessage(error) };
      }
    },
  };
}

function isIoRedis(client: IoRedisClient | NodeRedisClient): client is IoRedisClient {
  return typeof (client as IoRedisClient).status === 'string';
}

function isNodeRedis(client: IoRedisClient | NodeRedisClient): client is NodeRedisClient {
  return typeof (client as NodeRedisClient).isReady === 'boolean';
}

// `wait` is a lazyConnect client not yet used: the PING is what connects it, as the app's first command would.
function ioRedisNotReady(client: IoRedisClient): string | undefined {
  if (client.status === 'ready' || client.status === 'wait') return undefined;
  return `redis client is not ready (status ${client.status})`;
}

function nodeRedisNotReady(client: NodeRedisClient): string | undefined {
  if (client.isReady) return undefined;
  return client.isOpen ? 'redis client is not ready (reconnecting)' : 'redis client is closed';
}

function ioRedisSettings(client: IoRedisClient) {
  const o = client.options ?? {};
  const target = o.path
    ? `redis+unix://${encodeURIComponent(o.path)}`
    : serviceUrl('redis', o.host, o.port ?? 6379, o.db ?? 0);
  return { target, password: o.password };
}

function nodeRedisSettings(client: NodeRedisClient) {
  const o = client.options ?? {};
  const socket = o.socket ?? {};
  const target =
    redactedUrl(o.url) ??
    (socket.path
      ? `redis+unix://${encodeURIComponent(socket.path)}`
      : serviceUrl('redis', socket.host, socket.port ?? 6379, o.database ?? 0));
  return { target, password: o.password ?? urlPassword(o.url) };
}

// RESP2 subscriber mode answers PING with ['pong', ''].
function isPong(reply: unknown): boolean {
  if (Array.isArray(reply)) return String(reply[0]).toLowerCase() === 'pong';
  return String(reply) === 'PONG';
}

function describeReply(reply: unknown): string {
  const shown = JSON.stringify(reply) ?? String(reply);
  return shown.length > 40 ? `${shown.slice(0, 39)}…` : shown;
}
