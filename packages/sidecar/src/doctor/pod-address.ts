// The pod's own addresses, the ones the kubelet probes and Services send to.
import { isIP } from 'node:net';
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import { isLoopback, unmapped } from './addresses.js';

export interface PodAddresses {
  readonly addresses: readonly string[];
  /** `POD_IP`: the downward API said so; `interfaces`: found on the pod's network interfaces. */
  readonly source: 'POD_IP' | 'interfaces';
}

/**
 * `POD_IP` (and `POD_IPS`, dual-stack) from the downward API when set; otherwise every address of a
 * non-loopback interface, link-local ones left out (no Service or kubelet uses them).
 */
export function podAddresses(
  env: Readonly<Record<string, string | undefined>> = process.env,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): PodAddresses {
  const given = [env['POD_IP'], ...(env['POD_IPS'] ?? '').split(',')]
    .map((value) => unmapped(value?.trim().toLowerCase() ?? ''))
    .filter((value) => isIP(value) !== 0);
  if (given.length > 0) return { addresses: [...new Set(given)], source: 'POD_IP' };
  const found = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((info) => !info.internal && !isLoopback(info.address) && !/^fe[89ab]/i.test(info.address))
    .map((info) => info.address.toLowerCase());
  return { addresses: [...new Set(found)], source: 'interfaces' };
}
