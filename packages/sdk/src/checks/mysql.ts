// MySQL/MariaDB through the app's own `mysql2` pool or connection, callback or promise API: COM_PING or a query.
import { InvalidCheckError, type Outcome, type Prober } from '@probekit/core';
import {
  ClientCalls,
  clientIdentity,
  elapsedMs,
  errorMessage,
  optionsOf,
  secretsOf,
  serviceUrl,
  text,
} from './common.js';

type Done = (error: Error | null) => void;

/** A `mysql2` connection, callback API (`mysql.createConnection()`, or one checked out of a pool). */
export interface MysqlConnection {
  ping(callback: Done): void;
  query(sql: string, callback: Done): unknown;
  /** Present on callback-API objects only: how the two APIs are told apart. */
  promise(): unknown;
  readonly config?: MysqlSettings;
}

/** A `mysql2/promise` connection. */
export interface MysqlPromiseConnection {
  ping(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  readonly config?: MysqlSettings;
}

/** A `mysql2` pool, callback API (`mysql.createPool()`). */
export interface MysqlPool {
  getConnection(callback: (error: Error | null, connection: MysqlPoolConnection) => void): void;
  /** At run time `{ connectionConfig }`, which mysql2's typings do not declare. */
  readonly config?: unknown;
}

/** A `mysql2/promise` pool: the check works on the callback pool it wraps. */
export interface MysqlPromisePool {
  getConnection(): Promise<unknown>;
  readonly pool: MysqlPool;
}

/** A connection checked out of a callback-API pool. */
export interface MysqlPoolConnection {
  ping(callback: Done): void;
  query(sql: string, callback: Done): unknown;
  release(): void;
  /** Closes the connection and removes it from the pool. */
  destroy(): void;
}

interface MysqlSettings {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly database?: string | undefined;
  readonly socketPath?: string | undefined;
  readonly password?: string | undefined;
}

// mysql2's pool keeps its counts in these (undocumented) queues; shown when present, never relied upon.
interface PoolQueues {
  readonly _allConnections?: { readonly length: number };
  readonly _freeConnections?: { readonly length: number };
  readonly _connectionQueue?: { readonly length: number };
}

export interface MysqlOptions {
  /**
   * A statement to run instead of a COM_PING; any result is a success.
   * @default undefined (COM_PING: the cheapest round trip, no SQL parsing)
   */
  readonly query?: string;
}

type MysqlClient = MysqlPool | MysqlPromisePool | MysqlConnection | MysqlPromiseConnection;

/**
 * Pings (or queries) the app's `mysql2` pool or connection. observedValue: the round trip in ms,
 * checkout included. On abort a pooled connection is destroyed (the pool opens a fresh one when
 * needed); a single connection cannot be cancelled: runs fail fast until its ping settles.
 */
export function mysql(client: MysqlClient, options?: MysqlOptions): Prober {
  const pool = typeof client === 'object' && client !== null ? corePool(client) : undefined;
  if (!pool && !isConnection(client)) {
    throw new InvalidCheckError(
      'mysql',
      'must be a mysql2 pool or connection (callback or promise API)',
      client,
    );
  }
  const o = optionsOf('mysql', options, ['query']);
  const query = text('mysql.query', o['query']);
  const label = query ?? 'COM_PING';
  const settings: MysqlSettings =
    (pool
      ? (pool.config as { connectionConfig?: MysqlSettings } | undefined)?.connectionConfig
      : (client as MysqlConnection).config) ?? {};
  const calls = new ClientCalls();
  return {
    kind: 'mysql',
    target: settings.socketPath
      ? `mysql://${encodeURIComponent(settings.socketPath)}/${settings.database ?? ''}`
      : serviceUrl('mysql', settings.host, settings.port ?? 3306, settings.database ?? ''),
    identity: clientIdentity('mysql', client, { query: label }),
    componentType: 'datastore',
    secrets: secretsOf(settings.password),
    async run(signal): Promise<Outcome> {
      const start = performance.now();
      try {
        if (pool) await poolRound(pool, query, label, signal, calls);
        else
          await calls.call(signal, label, () =>
            round(client as MysqlConnection | MysqlPromiseConnection, query),
          );
        return { ok: true, observedValue: elapsedMs(start), observedUnit: 'ms' };
      } catch (error) {
        return { ok: false, output: `${errorMessage(error)}${pool ? poolFacts(pool) : ''}` };
      }
    },
  };
}

function corePool(client: MysqlClient): MysqlPool | undefined {
  if (typeof (client as MysqlPromisePool).pool?.getConnection === 'function')
    return (client as MysqlPromisePool).pool;
  if (typeof (client as MysqlPool).getConnection === 'function' && isCallbackApi(client))
    return client as MysqlPool;
  return undefined;
}

function isConnection(client: MysqlClient): client is MysqlConnection | MysqlPromiseConnection {
  return typeof (client as MysqlConnection | null)?.ping === 'function';
}

function isCallbackApi(client: object): boolean {
  return typeof (client as MysqlConnection).promise === 'function';
}

// One COM_PING or query, in whichever API the object speaks (a pooled connection speaks callbacks).
function round(
  connection: MysqlConnection | MysqlPromiseConnection | MysqlPoolConnection,
  query: string | undefined,
) {
  if (!isCallbackApi(connection)) {
    const promised = connection as MysqlPromiseConnection;
    return query === undefined ? promised.ping() : promised.query(query);
  }
  const callbacks = connection as MysqlConnection;
  return new Promise<void>((resolve, reject) => {
    const done: Done = (error) => (error ? reject(error) : resolve());
    if (query === undefined) callbacks.ping(done);
    else callbacks.query(query, done);
  });
}

// Checkout, ping, give back; a connection whose ping failed or hung is destroyed rather than reused.
async function poolRound(
  pool: MysqlPool,
  query: string | undefined,
  label: string,
  signal: AbortSignal,
  calls: ClientCalls,
): Promise<void> {
  const connection = await calls.call(
    signal,
    'getConnection',
    () =>
      new Promise<MysqlPoolConnection>((resolve, reject) =>
        pool.getConnection((error, checkedOut) => (error ? reject(error) : resolve(checkedOut))),
      ),
    { late: (late) => late.release() },
  );
  try {
    await calls.call(signal, label, () => round(connection, query), { abandon: () => connection.destroy() });
    connection.release();
  } catch (error) {
    if (!signal.aborted) connection.destroy();
    throw error;
  }
}

function poolFacts(pool: MysqlPool): string {
  const { _allConnections: all, _freeConnections: free, _connectionQueue: queue } = pool as PoolQueues;
  if (!all || !free || !queue) return '';
  return `; pool: ${all.length} connections, ${free.length} free, ${queue.length} waiting`;
}
