// A loopback TCP proxy a test controls: forward to a real server, cut it (server gone) or blackhole it (server hung).
import { connect, createServer, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'cut' | 'blackhole';

export interface TcpProxy {
  /** The proxy's own port on 127.0.0.1; stays the same across cut and restore. */
  readonly port: number;
  readonly mode: ProxyMode;
  /** Client connections currently open through the proxy. */
  readonly connections: number;
  /** Server gone: every connection is closed and new ones are refused (ECONNREFUSED). */
  cut(): Promise<void>;
  /** Server hung: connections stay open and new ones are accepted, but no byte moves either way. */
  blackhole(): void;
  /** Back to forwarding; bytes held back by a blackhole flow again, as after a healed partition. */
  restore(): Promise<void>;
  /** Sends `bytes` to every client as if the server had (a protocol frame the real server will not send on cue). */
  inject(bytes: Uint8Array): void;
  /** Closes everything. */
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
}

/** Starts a proxy on 127.0.0.1, port 0, forwarding to `targetPort`. */
export async function startProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: ProxyMode = 'forward';

  const link = (pair: Pair) => {
    const upstream = connect({ host: targetHost, port: targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.destroy());
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
  };
  const hold = (pair: Pair) => {
    if (pair.upstream) {
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.upstream.pause();
    }
    pair.client.pause();
  };

  const server = createServer((client) => {
    const pair: Pair = { client, upstream: undefined };
    pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (mode === 'forward') link(pair);
    else hold(pair);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      if (server.listening) server.close(() => resolve());
      else resolve();
    });

  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  const port = address.port;

  return {
    port,
    get mode() {
      return mode;
    },
    get connections() {
      return pairs.size;
    },
    async cut() {
      mode = 'cut';
      await stop();
    },
    blackhole() {
      mode = 'blackhole';
      for (const pair of pairs) hold(pair);
    },
    async restore() {
      const was = mode;
      mode = 'forward';
      if (was === 'cut') await listen(port);
      if (was !== 'blackhole') return;
      for (const pair of pairs) {
        if (!pair.upstream) {
          link(pair);
          continue;
        }
        pair.client.pipe(pair.upstream);
        pair.upstream.pipe(pair.client);
      }
    },
    inject(bytes) {
      for (const pair of pairs) pair.client.write(bytes);
    },
    async close() {
      mode = 'cut';
      await stop();
    },
  };
}
