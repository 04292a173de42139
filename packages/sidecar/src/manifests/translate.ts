// A container's Kubernetes probe, moved into probekit's config as a check that does what the kubelet did.
import type { ProbeKind } from '@probekit/core';
import { fits, PORT_FIELD } from '@probekit/core/internal';
import type { Container, Probe, ProbeField } from './workloads.js';

/** Where the kubelet sends a probe without `host`: the pod IP, which the sidecar reads from the downward API. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a probekit config variable, not a JS template
export const POD_IP = '${POD_IP}';

/** The probe kind each probe field gates. */
export const KIND_OF: Readonly<Record<ProbeField, ProbeKind>> = {
  startupProbe: 'startup',
  livenessProbe: 'liveness',
  readinessProbe: 'readiness',
};

const TIMING = [
  'initialDelaySeconds',
  'periodSeconds',
  'timeoutSeconds',
  'successThreshold',
  'failureThreshold',
] as const;

/** A check of probekit's config file, as plain data. */
export type CheckEntry = Record<string, unknown> & { name: string; probes: ProbeKind[] };

/** What became of one probe: a check, or a reason it stays where it is. */
export type Moved = { check: CheckEntry } | { kept: string } | { problem: string };

/** Translates one probe of `container` into a check named `name`. */
export function probeToCheck(probe: Probe, field: ProbeField, container: Container, name: string): Moved {
  const timing = Object.fromEntries(
    TIMING.filter((key) => typeof probe[key] === 'number').map((key) => [key, probe[key]]),
  );
  const entry = (handler: Record<string, unknown>): Moved => ({
    check: { name, ...handler, ...timing, probes: [KIND_OF[field]] },
  });
  if (probe.exec) {
    // An exec probe runs in the app's container (its files, its processes); probekit's would run in its own.
    return { kept: 'an exec probe runs in its own container, so it stays where it is' };
  }
  if (probe.httpGet) {
    const { port, host, path, scheme, httpHeaders } = probe.httpGet;
    const number = resolvePort(port, container);
    if (typeof number === 'string') return { problem: number };
    return entry({
      httpGet: {
        host: host || POD_IP,
        port: number,
        path: path ?? '/',
        ...(scheme && { scheme }),
        ...(httpHeaders?.length && { httpHeaders }),
      },
    });
  }
  if (probe.tcpSocket) {
    const number = resolvePort(probe.tcpSocket.port, container);
    if (typeof number === 'string') return { problem: number };
    return entry({ tcpSocket: { host: probe.tcpSocket.host || POD_IP, port: number } });
  }
  if (probe.grpc) {
    const number = resolvePort(probe.grpc.port, container);
    if (typeof number === 'string') return { problem: number };
    return entry({
      grpc: { host: POD_IP, port: number, ...(probe.grpc.service && { service: probe.grpc.service }) },
    });
  }
  return { problem: 'has none of httpGet, tcpSocket, grpc, exec' };
}

/**
 * A probe's port as a number: a name resolves against the container's own `ports`, as the kubelet
 * resolves it. A string result is the problem.
 */
export function resolvePort(port: unknown, container: Container): number | string {
  if (fits(PORT_FIELD, port)) return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return resolvePort(Number(port), container);
  if (typeof port !== 'string' || port === '') return `port ${PORT_FIELD.message} or a port name`;
  const found = (container.ports ?? []).find((candidate) => candidate.name === port);
  if (typeof found?.containerPort === 'number') return found.containerPort;
  const names = (container.ports ?? []).flatMap((candidate) => (candidate.name ? [candidate.name] : []));
  return `port ${JSON.stringify(port)} is not a port name of container ${JSON.stringify(container.name)}${
    names.length > 0
      ? ` (it has ${names.map((name) => JSON.stringify(name)).join(', ')})`
      : ' (it names no ports)'
  }`;
}

/** A check name for a container's probe: `app-readiness`, kept within the 63 characters a name may have. */
export function checkName(container: string, kind: ProbeKind): string {
  return `${container.slice(0, 62 - kind.length).replace(/[^a-z0-9]+$/, '')}-${kind}`;
}
