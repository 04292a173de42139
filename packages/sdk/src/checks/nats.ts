// NATS through the app's own `nats` (nats.js v2) connection: a PING/PONG round trip per run.
import { InvalidCheckError, type Outcome, type Prober } from '@probekit/core';
import { ClientCalls, clientIdentity, elapsedMs, errorMessage, redactedUrl } from './common.js';

/** The part of a nats.js v2 `NatsConnection` the check uses. */
export interface NatsConnection {
  /** A PING/PONG round trip; rejects at once while the connection is reconnecting. */
  rtt(): Promise<number>;
  isClosed(): boolean;
  isDraining(): boolean;
  /** `host:port` of the server currently connected to. */
  getServer(): string;
}

/**
 * Round-trips a PING on the app's NATS connection (`nc.rtt()`, a flush). observedValue: the round
 * trip in ms. A closed or draining connection fails at once, and so does one that is reconnecting.
 * A PING already sent cannot be recalled: runs fail fast until it settles (nats.js rejects it when
 * its own `pingInterval` × `maxPingOut` declares the connection stale). nats.js reconnects on its
 * own (`reconnect`, `maxReconnectAttempts`); once it gives up the connection is closed for good and
 * the app must make a new one.
 */
export function nats(connection: NatsConnection): Prober {
  if (
    typeof connection !== 'object' ||
    connection === null ||
    typeof connection.rtt !== 'function' ||
    typeof connection.isClosed !== 'function'
  ) {
    throw new InvalidCheckError('nats', 'must be a nats.js v2 connection', connection);
  }
  const calls = new ClientCalls();
  const server = connection.isClosed() ? '' : connection.getServer();
  return {
    kind: 'nats',
    target: (server && redactedUrl(`nats://${server}`)) || 'nats',
    identity: clientIdentity('nats', connection),
    componentType: 'component',
    async run(signal): Promise<Outcome> {
      if (connection.isClosed()) return { ok: false, output: 'nats connection is closed' };
      if (connection.isDraining()) return { ok: false, output: 'nats connection is draining' };
      const start = performance.now();
      try {
        await calls.call(signal, 'PING', () => connection.rtt());
        return { ok: true, observedValue: elapsedMs(start), observedUnit: 'ms' };
      } catch (error) {
        return { ok: false, output: errorMessage(error) };
      }
    },
  };
}
