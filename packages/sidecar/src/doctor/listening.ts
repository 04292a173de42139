// Rules on the pod's own ports: a check target or app port nobody listens on, or one reachable only on loopback.
import {
  type Endpoint,
  hostPort,
  isLoopback,
  literalAddresses,
  reachableOnPod,
  reaches,
  unmapped,
} from './addresses.js';
import type { Finding } from './findings.js';
import type { Listener } from './proc-net.js';

/** A check as these rules see it: its name, its (redacted) target and where it connects, if anywhere. */
export interface TargetCheck {
  readonly name: string;
  readonly target: string;
  readonly endpoint: Endpoint | undefined;
}

export interface ListeningInput {
  readonly checks: readonly TargetCheck[];
  /** Ports a Service or the kubelet targets that no check names (`--app-port`). */
  readonly appPorts: readonly number[];
  readonly listeners: readonly Listener[];
  /** The pod's addresses; empty when none was found, and then loopback-only cannot be told. */
  readonly pod: readonly string[];
}

/** Whether `host` is this pod: a loopback address, `localhost` or one of the pod's addresses. */
export function isOnPod(host: string, pod: readonly string[]): boolean {
  return isLoopback(host) || pod.includes(unmapped(host.toLowerCase()));
}

/** `loopback-only` and `not-listening` findings for the checks that target this pod and for the app ports. */
export function listeningFindings(input: ListeningInput): Finding[] {
  const { listeners, pod } = input;
  const local = input.checks.filter(
    (check): check is TargetCheck & { endpoint: Endpoint } =>
      check.endpoint !== undefined && isOnPod(check.endpoint.host, pod),
  );
  const users = new Map<number, string[]>();
  const use = (port: number, who: string) => users.set(port, [...(users.get(port) ?? []), who]);
  for (const check of local) use(check.endpoint.port, `check ${check.name}`);
  for (const port of input.appPorts) use(port, `--app-port ${port}`);

  const findings: Finding[] = [];
  const loopbackOnly = new Set<number>();
  for (const [port, who] of users) {
    const onPort = listeners.filter((listener) => listener.port === port);
    if (!isLoopbackOnly(onPort, pod)) continue;
    loopbackOnly.add(port);
    const bound = onPort.map((listener) => listener.address).join(' and ');
    findings.push({
      id: 'loopback-only',
      message:
        `port ${port} (${who.join(', ')}) accepts connections on ${bound} only, but the kubelet and ` +
        `Services connect to the pod address ${hostPort(pod[0] ?? '', port)}: bind it to 0.0.0.0 or :: ` +
        `(fine only if nothing outside this pod uses the port)`,
    });
  }
  for (const check of local) {
    const { host, port } = check.endpoint;
    const onPort = listeners.filter((listener) => listener.port === port);
    const addresses = literalAddresses(host) ?? [host];
    if (onPort.some((listener) => addresses.some((address) => reaches(listener, address)))) continue;
    // A pod address on a loopback-only port is already explained above.
    if (loopbackOnly.has(port) && pod.includes(unmapped(host.toLowerCase()))) continue;
    findings.push({
      id: 'not-listening',
      message: notListening(`check ${check.name}`, check.target, check.endpoint, onPort),
    });
  }
  for (const port of input.appPorts) {
    if (!listeners.some((listener) => listener.port === port)) {
      findings.push({ id: 'not-listening', message: `--app-port ${port}: nothing listens on port ${port}` });
    }
  }
  return findings;
}

/** Something listens on the port, all of it on loopback, and nothing accepts the pod's address. */
export function isLoopbackOnly(onPort: readonly Listener[], pod: readonly string[]): boolean {
  return (
    onPort.length > 0 &&
    pod.length > 0 &&
    onPort.every((listener) => isLoopback(listener.address)) &&
    !reachableOnPod(onPort, pod)
  );
}

function notListening(who: string, target: string, endpoint: Endpoint, onPort: readonly Listener[]): string {
  const { host, port } = endpoint;
  if (onPort.length === 0) return `${who}: nothing listens on port ${port} (${target})`;
  const bound = onPort.map((listener) => listener.address).join(' and ');
  return `${who}: nothing listens on ${hostPort(host, port)}; port ${port} is bound to ${bound} only (${target})`;
}
