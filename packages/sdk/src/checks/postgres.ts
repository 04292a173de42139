// PostgreSQL through the app's own `pg` Pool or Client: one statement per run, no connection of our own.
import { InvalidCheckError, type Outcome, type Prober } from '@probekit/core';
import {
  ClientCalls,
  clientIdentity,
  elapsedMs,
  errorMessage,
  optionsOf,
  redactedUrl,
  secretsOf,
  serviceUrl,
  text,
  urlPassword,
} from './common.js';

/** The part of a `pg` Pool the check uses (`pg.Pool` satisfies it). */
export interface PgPool {
  connect(): Promise<PgPoolClient>;
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options?: PgSettings;
}

/** A client checked out of a `pg` Pool. */
export interface PgPoolClient {
  query(text: string): Promise<unknown>;
  /** `release(error)` destroys the client instead of returning it to the pool. */
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/** The part of a `pg` Client the check uses (`pg.Client` satisfies it). */
export interface PgClient extends PgSettings {
  query(text: string): Promise<unknown>;
}

interface PgSettings {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly database?: string | undefined;
  readonly connectionString?: string | undefined;
  readonly password?: unknown;
}

export interface PostgresOptions {
  /**
   * The statement each run executes; any result is a success, an error a failure.
   * @default 'SELECT 1'
   */
  readonly query?: string;
}

const ABANDONED = 'probekit: the check gave up on this connection';

/**
 * Runs `query` on the app's `pg` Pool (a client is checked out and given back, as `pool.query`
 * does) or Client. observedValue: the round trip in ms, checkout included.
 * On abort a pooled client is released with an error, so the pool destroys it instead of lending
 * out a hung connection; a bare Client cannot be cancelled: its query stays queued until pg
 * settles it (set `query_timeout`), and runs fail fast until it does.
 */
export function postgres(client: PgPool | PgClient, options?: PostgresOptions): Prober {
  if (!isPool(client) && typeof (client as PgClient | null)?.query !== 'function') {
    throw new InvalidCheckError('postgres', 'must be a pg Pool or Client', client);
  }
  const o = optionsOf('postgres', options, ['query']);
  const query = text('postgres.query', o['query']) ?? 'SELECT 1';
  const settings = isPool(client) ? (client.options ?? {}) : client;
  const calls = new ClientCalls();
  return {
    kind: 'postgres',
    target:
      redactedUrl(settings.connectionString) ??
      serviceUrl('postgres', settings.host, settings.port ?? 5432, settings.database ?? ''),
    identity: clientIdentity('postgres', client, { query }),
    componentType: 'datastore',
    secrets: secretsOf(settings.password, urlPassword(settings.connectionString)),
    async run(signal): Promise<Outcome> {
      const start = performance.now();
      try {
        if (isPool(client)) await poolRound(client, query, signal, calls);
        else await calls.call(signal, query, () => client.query(query));
        return { ok: true, observedValue: elapsedMs(start), observedUnit: 'ms' };
      } catch (error) {
        const facts = isPool(client)
          ? `; pool: ${client.totalCount} total, ${client.idleCount} idle, ${client.waitingCount} waiting`
          : '';
        return { ok: false, output: `${errorMessage(error)}${facts}` };
      }
    },
  };
}

function isPool(client: PgPool | PgClient): client is PgPool {
  return (
    typeof (client as PgPool | null)?.connect === 'function' &&
    typeof (client as PgPool).waitingCount === 'number'
  );
}

// Checkout, query, give back, as pool.query does: a client whose query failed is destroyed rather than reused.
async function poolRound(
  pool: PgPool,
  query: string,
  signal: AbortSignal,
  calls: ClientCalls,
): Promise<void> {
  const client = await calls.call(signal, 'connect', () => pool.connect(), {
    late: (late) => late.release(),
  });
  // ATTENTION: a checked-out client that loses its server emits 'error', which unheard would crash the
  // app. The pool listens again once the client is back, so ours comes off only after release().
  const onError = () => {};
  client.on('error', onError);
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
    client.removeListener('error', onError);
  };
  try {
    await calls.call(signal, query, () => client.query(query), {
      abandon: () => release(new Error(ABANDONED)),
    });
    release();
  } catch (error) {
    release(error instanceof Error ? error : new Error(errorMessage(error)));
    throw error;
  }
}
