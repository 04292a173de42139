// `probekit probe URL`: one kubelet-style HTTP probe, exit 0/1 — an exec probe for images without curl.
import { type HttpHeader, InvalidCheckError, type Prober, parseTarget, redact } from '@probekit/core';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { runOnce } from '../once.js';
import { type Command, listFlag, stringFlag } from './command.js';

export const probe: Command = {
  name: 'probe',
  help: `Usage: probekit probe URL [--timeout DURATION] [--header 'Name: value']...

Sends one GET as the kubelet's HTTP prober does (same-host redirects followed, no keep-alive, no
proxy, TLS not verified) and exits 0 if the status is 200-399, else prints the reason on stderr and
exits 1. URL may also be tcp://host:port, grpc://host:port[/service] or exec:command args.

Options:
      --timeout D          how long the probe may take, like 1s or 500ms (default: 1s)
  -H, --header 'N: v'      a request header, repeatable (HTTP only)
  -h, --help               this help

Example (a Docker HEALTHCHECK or an exec probe):
  probekit probe http://127.0.0.1:8099/livez`,
  options: {
    timeout: { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
  },
  maxPositionals: 1,
  async run(parsed) {
    const target = parsed.positionals[0];
    if (target === undefined) throw new UsageError('give the URL to probe', 'probe');
    const timeout = stringFlag(parsed, 'timeout');
    const timeoutMs = timeout === undefined ? 1000 : parseDuration(timeout, '--timeout', 'probe');
    const prober = usable(() => parseTarget(target, { httpHeaders: listFlag(parsed, 'header').map(header) }));
    const result = await runOnce(prober, timeoutMs);
    if (result.ok) return 0;
    process.stderr.write(`probe failed: ${result.reason ?? result.result}\n`);
    return 1;
  },
};

// A target or header core refuses is a usage error: `URL must be tcp://host:port, …`.
function usable(build: () => Prober): Prober {
  try {
    return build();
  } catch (error) {
    // The URL is echoed; as an exec probe's output it lands in the pod's events, so secrets in it are blanked.
    if (error instanceof InvalidCheckError)
      throw new UsageError(redact(error.message.replace(/^target:/, 'URL')), 'probe');
    throw error;
  }
}

function header(text: string): HttpHeader {
  const colon = text.indexOf(':');
  // Not echoed: a mistyped header is likely `Authorization Bearer <token>`.
  if (colon <= 0) throw new UsageError(`--header must be 'Name: value' (no colon in it)`, 'probe');
  return { name: text.slice(0, colon).trim(), value: text.slice(colon + 1).trim() };
}
