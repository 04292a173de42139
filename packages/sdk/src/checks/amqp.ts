// RabbitMQ through the app's own `amqplib` connection or channel (promise API): one passive exchange.declare per run.
import { InvalidCheckError, type Outcome, type Prober } from '@probekit/core';
import {
  ClientCalls,
  clientIdentity,
  elapsedMs,
  errorMessage,
  optionsOf,
  serviceUrl,
  text,
} from './common.js';

type Listener = (...args: unknown[]) => void;

interface Emitter {
  on(event: string, listener: Listener): unknown;
}

/** The part of an `amqplib` Channel the check uses. */
export interface AmqpChannel extends Emitter {
  checkExchange(exchange: string): Promise<unknown>;
  close(): Promise<void>;
  readonly connection?: unknown;
}

/** An `amqplib` connection (`amqplib.connect()`, with or without `recovery`). */
export interface AmqpConnection extends Emitter {
  createChannel(): Promise<AmqpChannel>;
  readonly connection?: unknown;
}

export interface AmqpOptions {
  /**
   * The exchange to look up passively. Every AMQP 0-9-1 broker pre-declares `amq.direct` in every
   * vhost; name your own to also check that the app's topology exists. On a channel the app passed
   * in, a missing exchange closes that channel (a channel error): pass the connection instead.
   * @default 'amq.direct'
   */
  readonly exchange?: string;
}

// What amqplib's internal connection object exposes (0.10 and 2.x alike); read, never relied upon.
interface Internals {
  readonly blocked?: boolean;
  readonly expectSocketClose?: boolean;
  readonly stream?: { readonly remoteAddress?: string; readonly remotePort?: number };
  on?(event: string, listener: Listener): unknown;
}

/** What the connection's events said last. */
interface LinkState {
  blocked: string | undefined;
  down: string | undefined;
}

const links = new WeakMap<object, LinkState>();
const ignore = () => {};

/**
 * Looks up an exchange passively (`exchange.declare` with `passive`: one round trip, no change on
 * the broker) on the app's amqplib connection or channel. A closed, disconnected or blocked (broker
 * resource alarm) connection fails at once. Given a connection, the check opens one channel of its
 * own, once, and keeps it: a channel error there (a missing exchange) closes only that channel,
 * never the app's. On abort its own channel is closed; the app's channel cannot be: runs fail fast
 * until the pending call settles. Reconnecting is the app's job (or amqplib's `recovery` option).
 */
export function amqp(client: AmqpConnection | AmqpChannel, options?: AmqpOptions): Prober {
  const given = isChannel(client) ? client : undefined;
  if (!given && !isConnection(client)) {
    throw new InvalidCheckError('amqp', 'must be an amqplib connection or channel (promise API)', client);
  }
  const o = optionsOf('amqp', options, ['exchange']);
  const exchange = text('amqp.exchange', o['exchange']) ?? 'amq.direct';
  const label = `checkExchange ${exchange}`;
  const internals = internalsOf(client);
  // A channel's own events say nothing of blocking: that is on the connection under it.
  const link = watch(given ? internals : client, internals);
  const calls = new ClientCalls();
  let own: AmqpChannel | undefined;

  const adopt = (channel: AmqpChannel) => {
    channel.on('error', ignore); // ATTENTION: an 'error' without a listener would throw in the app
    own = channel;
    channel.on('close', () => {
      if (own === channel) own = undefined;
    });
  };
  const discard = (channel: AmqpChannel) => {
    if (own === channel) own = undefined;
    channel.close().catch(ignore);
  };
  const openChannel = async (signal: AbortSignal): Promise<AmqpChannel> => {
    if (own) return own;
    const channel = await calls.call(
      signal,
      'channel.open',
      () => (client as AmqpConnection).createChannel(),
      {
        late: adopt,
      },
    );
    adopt(channel);
    return channel;
  };

  const address = internals?.stream;
  return {
    kind: 'amqp',
    target: address?.remoteAddress ? serviceUrl('amqp', address.remoteAddress, address.remotePort) : 'amqp',
    identity: clientIdentity('amqp', client, { exchange }),
    componentType: 'component',
    async run(signal): Promise<Outcome> {
      if (link?.down) return { ok: false, output: `amqp connection ${link.down}` };
      if (link?.blocked)
        return { ok: false, output: `amqp connection blocked by the broker: ${link.blocked}` };
      const start = performance.now();
      try {
        const channel = given ?? (await openChannel(signal));
        await calls.call(signal, label, () => channel.checkExchange(exchange), {
          ...(!given && { abandon: () => discard(channel) }),
        });
        return { ok: true, observedValue: elapsedMs(start), observedUnit: 'ms' };
      } catch (error) {
        return { ok: false, output: errorMessage(error) };
      }
    },
  };
}

function isChannel(client: AmqpConnection | AmqpChannel): client is AmqpChannel {
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof (client as AmqpChannel).checkExchange === 'function'
  );
}

function isConnection(client: AmqpConnection | AmqpChannel): client is AmqpConnection {
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof (client as AmqpConnection).createChannel === 'function'
  );
}

function internalsOf(client: AmqpConnection | AmqpChannel): Internals | undefined {
  const inner = client.connection;
  return typeof inner === 'object' && inner !== null ? (inner as Internals) : undefined;
}

// Once per emitter, however many checks watch it: a reload must not pile up listeners.
function watch(
  emitter: Emitter | Internals | undefined,
  internals: Internals | undefined,
): LinkState | undefined {
  if (!emitter || typeof emitter.on !== 'function') return undefined;
  let state = links.get(emitter);
  if (state) return state;
  state = {
    blocked: internals?.blocked === true ? 'resource alarm' : undefined,
    down: internals?.expectSocketClose === true ? 'closed' : undefined,
  };
  const link = state;
  links.set(emitter, link);
  emitter.on('blocked', (reason) => {
    link.blocked = typeof reason === 'string' && reason !== '' ? reason : 'resource alarm';
  });
  emitter.on('unblocked', () => {
    link.blocked = undefined;
  });
  emitter.on('close', (error) => {
    link.down = error ? `closed: ${errorMessage(error)}` : 'closed';
  });
  // amqplib's recovering connection: down between `disconnect` and the next `connect`.
  emitter.on('disconnect', (error) => {
    link.down = `disconnected: ${errorMessage(error)}`;
  });
  emitter.on('reconnect-failed', (error) => {
    link.down = `gave up reconnecting: ${errorMessage(error)}`;
  });
  emitter.on('connect', () => {
    link.down = undefined;
    link.blocked = undefined;
  });
  return link;
}
