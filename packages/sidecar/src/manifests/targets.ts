// `--check` shorthand targets written out as config entries: readiness dependencies added to a generated config.
import { parseTarget } from '@probekit/core';
import { defaultCheckName } from '@probekit/core/internal';
import type { CheckEntry } from './translate.js';

/** The config entry for one target; core's parser validates it first and throws InvalidCheckError if it is wrong. */
export function targetToCheck(target: string): CheckEntry {
  const prober = parseTarget(target);
  const name = defaultCheckName(target);
  if (prober.kind === 'exec') {
    // The argv as core split it (shell quoting, no shell): an exec prober's identity carries it.
    const { command } = prober.identity as { readonly command: readonly string[] };
    return { name, exec: { command: [...command] }, probes: ['readiness'] };
  }
  const url = new URL(target);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  if (url.protocol === 'tcp:') return { name, tcpSocket: { host, port }, probes: ['readiness'] };
  if (url.protocol === 'grpc:') {
    const service = decodeURIComponent(path);
    return { name, grpc: { host, port, ...(service && { service }) }, probes: ['readiness'] };
  }
  const https = url.protocol === 'https:';
  return {
    name,
    httpGet: {
      host,
      port: port || (https ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      ...(https && { scheme: 'HTTPS' }),
    },
    probes: ['readiness'],
  };
}
