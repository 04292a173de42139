// The rule on probekit's own port: in a cluster the kubelet probes the pod address, so loopback is no use there.
import { hostPort, isLoopback } from './addresses.js';
import type { Finding } from './findings.js';
import { isLoopbackOnly } from './listening.js';
import type { Listener } from './proc-net.js';

export interface SelfInput {
  /** The config's `server.host` and `server.port`. */
  readonly host: string;
  readonly port: number;
  readonly listeners: readonly Listener[];
  readonly pod: readonly string[];
  /** `KUBERNETES_SERVICE_HOST` is set: this runs in a pod. Outside a cluster loopback is a fine choice. */
  readonly inCluster: boolean;
}

/** `self-loopback` when probekit is configured for, or found listening on, loopback only; `not-listening` when not at all. */
export function selfFindings(input: SelfInput): Finding[] {
  const { host, port, listeners, pod } = input;
  if (!input.inCluster) return [];
  if (isLoopback(host)) {
    return [
      {
        id: 'self-loopback',
        message:
          `probekit serves on ${hostPort(host, port)} (server.host), but the kubelet probes the pod address: ` +
          `every probe of it fails; set server.host to 0.0.0.0 (the default) or ::`,
      },
    ];
  }
  const onPort = listeners.filter((listener) => listener.port === port);
  if (onPort.length === 0) {
    return [
      {
        id: 'not-listening',
        message: `nothing listens on probekit's port ${port} (server.port): is probekit serve running in this pod, with --port?`,
      },
    ];
  }
  if (!isLoopbackOnly(onPort, pod)) return [];
  const bound = onPort.map((listener) => listener.address).join(' and ');
  return [
    {
      id: 'self-loopback',
      message:
        `probekit's port ${port} accepts connections on ${bound} only (started with --host?), but the ` +
        `kubelet probes ${hostPort(pod[0] ?? '', port)}: serve on 0.0.0.0 or ::`,
    },
  ];
}
