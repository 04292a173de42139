// Every probe server probekit offers, each in a process of its own: the sidecar binary and an SDK app per adapter.
import type { ChildProcess } from 'node:child_process';
import { startServe, tempDir } from '../../sidecar/helpers.js';
import { ADAPTERS, startSdkApp } from './sdk-app.js';

export const PROBE_SERVERS = ['sidecar', ...ADAPTERS] as const;
export type ProbeServer = (typeof PROBE_SERVERS)[number];

export interface ProbeServers {
  /** The port each answers probes on. */
  readonly ports: ReadonlyMap<ProbeServer, number>;
  readonly processes: ReadonlyMap<ProbeServer, ChildProcess>;
  stop(): Promise<void>;
}

/** A readable name for reports: `sidecar`, `SDK fastify adapter`, `SDK listen() probe port`. */
export function describeServer(server: ProbeServer): string {
  if (server === 'sidecar') return 'sidecar';
  return server === 'listen' ? 'SDK listen() probe port' : `SDK ${server} adapter`;
}

/** Starts the sidecar (one passing exec check) and the four SDK apps, all at once. */
export async function startProbeServers(): Promise<ProbeServers> {
  const temp = tempDir();
  const file = temp.write(
    'probekit.yaml',
    'checks:\n  - { name: db, exec: { command: ["true"] }, periodSeconds: 1 }\n',
  );
  const [sidecar, ...apps] = await Promise.all([
    startServe(['--config', file]),
    ...ADAPTERS.map((adapter) => startSdkApp(adapter)),
  ]);
  const ports = new Map<ProbeServer, number>([['sidecar', Number(new URL(sidecar.url).port)]]);
  const processes = new Map<ProbeServer, ChildProcess>([['sidecar', sidecar.child]]);
  ADAPTERS.forEach((adapter, i) => {
    ports.set(adapter, apps[i]!.probePort);
    processes.set(adapter, apps[i]!.child);
  });
  return {
    ports,
    processes,
    stop: async () => {
      await sidecar.kill();
      for (const app of apps) await app.stop();
      temp.remove();
    },
  };
}
