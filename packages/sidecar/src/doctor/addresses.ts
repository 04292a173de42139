// What an address means from inside the pod: loopback or not, and which listeners accept a connection to it.
import { isIP } from 'node:net';
import type { Prober } from '@probekit/core';
import type { Listener } from './proc-net.js';

/** Where a check connects: its host and port, for the kinds that have them (httpGet, tcpSocket, grpc). */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** The host and port a prober connects to, read from its identity; `undefined` for exec and function checks. */
export function endpointOf(prober: Prober): Endpoint | undefined {
  const identity = prober.identity as { host?: unknown; port?: unknown } | null | undefined;
  if (typeof identity?.host !== 'string' || typeof identity.port !== 'number') return undefined;
  return { host: identity.host, port: identity.port };
}

/** `::ffff:10.0.0.5` → `10.0.0.5`; anything else unchanged. */
export function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1] ?? address;
}

/** 127.0.0.0/8 and ::1 (also as ::ffff:127.x.y.z), and the name `localhost`. */
export function isLoopback(host: string): boolean {
  const address = unmapped(host.toLowerCase());
  return address === 'localhost' || address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/** The addresses a host stands for without asking DNS: an IP literal, or both loopbacks for `localhost`. */
export function literalAddresses(host: string): string[] | undefined {
  if (host.toLowerCase() === 'localhost') return ['127.0.0.1', '::1'];
  return isIP(host) ? [unmapped(host.toLowerCase())] : undefined;
}

/**
 * Whether `listener` accepts a connection to `address`: a wildcard accepts every address of its family
 * (`::` both, as Linux binds it dual-stack unless net.ipv6.bindv6only is set), anything else only itself.
 */
export function reaches(listener: Listener, address: string): boolean {
  const bound = unmapped(listener.address);
  const target = unmapped(address.toLowerCase());
  if (bound === '::') return true;
  if (bound === '0.0.0.0') return isIP(target) === 4;
  return bound === target;
}

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Whether some listener accepts connections to some pod address. */
export function reachableOnPod(listeners: readonly Listener[], pod: readonly string[]): boolean {
  return listeners.some((listener) => pod.some((address) => reaches(listener, address)));
}
