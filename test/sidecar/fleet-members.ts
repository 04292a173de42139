// Fleets of real sidecars on loopback for the fleet tests and the fleet bench: free ports, configs, and a
// per-member TCP fault proxy in front of a shared target (so one member alone can lose it).
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

/** Ports free on `host` right now (bound to 0 and released). */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, host, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export interface FaultProxy {
  readonly port: number;
  /** From now on every connection is cut at once, and those open are cut too. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 to `targetPort`: the path of one member to a shared target. */
export async function faultProxy(targetPort: number): Promise<FaultProxy> {
  let cut = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (cut) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface MemberConfig {
  readonly member: string;
  readonly host?: string;
  readonly port: number;
  /** `{ static: [...] }` or `{ dns, port, resolver }`. */
  readonly peers: Record<string, unknown>;
  /** The port this member reaches the shared target on (its own fault proxy). */
  readonly targetPort: number;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  readonly refreshSeconds: number;
  readonly outagePercent?: number;
  /** `false`: the same member without `fleet:` (for a baseline). @default true */
  readonly fleet?: boolean;
}

/** Writes one member's config (JSON, which the loader reads as YAML's subset) and returns its path. */
export function writeMemberConfig(dir: string, config: MemberConfig): string {
  const file = join(dir, `${config.member}.json`);
  const document = {
    server: { port: config.port, host: config.host ?? '127.0.0.1', shutdownDelaySeconds: 0 },
    ...(config.fleet !== false && {
      fleet: {
        member: config.member,
        peers: config.peers,
        refreshSeconds: config.refreshSeconds,
        ...(config.outagePercent !== undefined && { outagePercent: config.outagePercent }),
      },
    }),
    checks: [
      {
        name: 'api',
        httpGet: { host: '127.0.0.1', port: config.targetPort, path: '/' },
        periodSeconds: config.periodSeconds,
        timeoutSeconds: Math.min(1, config.periodSeconds),
        failureThreshold: config.failureThreshold,
        scope: 'shared',
      },
    ],
  };
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}
