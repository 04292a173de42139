// Where the peers are: a fixed list, or the A and AAAA records of a name (a headless Service), re-read when
// their TTL runs out. node's dns.Resolver asks the servers directly: no search domains, no /etc/hosts.
import { Resolver } from 'node:dns/promises';
import { hostPort } from '../checks/common.js';
import type { ResolvedPeers } from './options.js';

/** Gives the peers' `host:port` for a round. */
export interface PeerSource {
  peers(): Promise<readonly string[]>;
}

/** A DNS answer is re-read after its records' TTL, but at least this often (a huge TTL would hide new members). */
const MAX_CACHE_MS = 30_000;

/** The peers of `fleet.peers`; `timeoutMs` bounds each DNS query. */
export function peerSource(peers: ResolvedPeers, timeoutMs: number): PeerSource {
  if (peers.kind === 'static') {
    const addresses = peers.addresses;
    return { peers: async () => addresses };
  }
  return dnsPeers(peers.name, peers.port, peers.resolver, timeoutMs);
}

/**
 * The A and AAAA records of `name`, each as `ip:port`. A name without records is an empty fleet; a DNS
 * server that does not answer keeps the last list (a DNS blip must not turn a fleet into a lone member).
 */
export function dnsPeers(
  name: string,
  port: number,
  server: string | undefined,
  timeoutMs: number,
  now: () => number = performance.now.bind(performance),
): PeerSource {
  // tries: 1: a round asks once and moves on; the next round asks again.
  const resolver = new Resolver({ timeout: Math.max(1, Math.round(timeoutMs)), tries: 1 });
  if (server !== undefined) resolver.setServers([server]);
  let cached: readonly string[] = [];
  let validUntil = Number.NEGATIVE_INFINITY;
  return {
    async peers() {
      if (now() < validUntil) return cached;
      const [v4, v6] = await Promise.all([
        records(() => resolver.resolve4(name, { ttl: true })),
        records(() => resolver.resolve6(name, { ttl: true })),
      ]);
      // Both families failed: keep what we had, and ask again next round.
      if (v4 === undefined && v6 === undefined) return cached;
      const found = [...(v4 ?? []), ...(v6 ?? [])];
      cached = found.map((record) => hostPort(record.address, port));
      // Cached only when both families answered with something: an empty or half answer is asked again next round.
      const complete = v4 !== undefined && v6 !== undefined && found.length > 0;
      const ttl = Math.min(MAX_CACHE_MS / 1000, ...found.map((record) => record.ttl));
      validUntil = complete ? now() + ttl * 1000 : Number.NEGATIVE_INFINITY;
      return cached;
    },
  };
}

type Records = readonly { readonly address: string; readonly ttl: number }[];

/** The records, `[]` when the name has none of this family, `undefined` when the server did not answer. */
async function records(query: () => Promise<Records>): Promise<Records | undefined> {
  try {
    return await query();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENODATA' || code === 'ENOTFOUND' ? [] : undefined;
  }
}
