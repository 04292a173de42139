// `probekit probe URL`: one kubelet-style HTTP probe, exit 0/1 — an exec probe for images without curl.
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { type HttpHeader, InvalidCheckError, type Prober, parseTarget } from '@probekit/core';
import { redact } from '@probekit/core/internal';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { runOnce } from '../once.js';
import { type Command, listFlag, stringFlag } from './command.js';

export const probe: Command = {
  name: 'probe',
  help: `Usage: probekit probe URL [--timeout DURATION] [--header 'Name: value']... [--verbose]

Sends one GET as the kubelet's HTTP prober does (same-host redirects followed, no keep-alive, no
proxy, TLS not verified) and exits 0 if the status is 200-399, else prints the reason on stderr and
exits 1. URL may also be tcp://host:port, grpc://host:port[/service] or exec:command args.

Options:
      --timeout D          how long the probe may take, like 1s or 500ms (default: 1s)
  -H, --header 'N: v'      a request header, repeatable (HTTP only)
  -v, --verbose            print the body of the answer on stdout (HTTP only; the last answer
                           after redirects, at most 10 KiB, as much as the probe reads)
  -h, --help               this help

Examples (a Docker HEALTHCHECK or an exec probe; why a pod is not ready, in an image without curl):
  probekit probe http://127.0.0.1:8099/livez
  kubectl exec POD -c probekit -- probekit probe 'http://127.0.0.1:8099/readyz?verbose' --verbose`,
  options: {
    timeout: { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
    verbose: { type: 'boolean', short: 'v' },
  },
  maxPositionals: 1,
  async run(parsed) {
    const target = parsed.positionals[0];
    if (target === undefined) throw new UsageError('give the URL to probe', 'probe');
    const timeout = stringFlag(parsed, 'timeout');
    const timeoutMs = timeout === undefined ? 1000 : parseDuration(timeout, '--timeout', 'probe');
    const prober = usable(() => parseTarget(target, { httpHeaders: listFlag(parsed, 'header').map(header) }));
    const verbose = parsed.values['verbose'] === true;
    if (verbose && prober.kind !== 'httpGet') {
      const scheme = /^[a-z]+:(\/\/)?/i.exec(target)?.[0] ?? target;
      throw new UsageError(`--verbose prints the body of an HTTP answer; ${scheme} has none`, 'probe');
    }
    const capture = verbose ? lastBody() : undefined;
    const result = await runOnce(prober, timeoutMs);
    if (capture) process.stdout.write(printable(capture.stop()));
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

const MAX_BODY_BYTES = 10 * 1024; // what core's httpGet reads at most, as the kubelet does

/**
 * The body of the last HTTP answer this process reads, seen through node's http client diagnostics channel:
 * the probe stays core's own (same request, redirects, limits), and nothing is asked twice.
 */
function lastBody(): { stop(): Buffer } {
  let chunks: Buffer[] = [];
  const onResponse = (message: unknown) => {
    const own: Buffer[] = [];
    chunks = own;
    (message as { response: IncomingMessage }).response.on('data', (chunk: Buffer) => own.push(chunk));
  };
  diagnostics.subscribe('http.client.response.finish', onResponse);
  return {
    stop() {
      diagnostics.unsubscribe('http.client.response.finish', onResponse);
      return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES);
    },
  };
}

/** The body as text for a terminal: control characters but newlines and tabs dropped, ending with a newline. */
function printable(body: Buffer): string {
  if (body.length === 0) return '';
  const text = body.toString('utf8').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return text.endsWith('\n') ? text : `${text}\n`;
}

function header(text: string): HttpHeader {
  const colon = text.indexOf(':');
  // Not echoed: a mistyped header is likely `Authorization Bearer <token>`.
  if (colon <= 0) throw new UsageError(`--header must be 'Name: value' (no colon in it)`, 'probe');
  return { name: text.slice(0, colon).trim(), value: text.slice(colon + 1).trim() };
}
