// The target shorthand of the CLI and of inline checks: tcp://h:p, http(s)://…, grpc://h:p[/service], exec:cmd arg…
import { InvalidCheckError } from '../errors.js';
import { redact } from '../redact.js';
import type { Prober } from '../types.js';
import { exec } from './exec.js';
import { grpc } from './grpc.js';
import { type HttpHeader, httpGet } from './http.js';
import { tcpSocket } from './tcp.js';
import { splitWords } from './words.js';

const EXPECTED =
  'must be tcp://host:port, http(s)://host[:port][/path], grpc://host:port[/service] or exec:command [args]';
const USERINFO = /(\/\/)[^/?#@\s]*@/;

/**
 * Parses one shorthand target into a prober; anything else throws InvalidCheckError with the path `target`.
 * `httpHeaders` go with an http(s) target (`probekit probe --header`); any other target refuses them.
 */
export function parseTarget(
  text: string,
  options: { readonly httpHeaders?: readonly HttpHeader[] } = {},
): Prober {
  const prober = parseTargetOnly(text, options.httpHeaders ?? []);
  if (options.httpHeaders?.length && prober.kind !== 'httpGet') {
    throw new InvalidCheckError('target', 'must be an http(s) URL to take headers', prober.target);
  }
  return prober;
}

function parseTargetOnly(text: string, httpHeaders: readonly HttpHeader[]): Prober {
  if (typeof text !== 'string') throw new InvalidCheckError('target', EXPECTED, text);
  if (text.startsWith('exec:')) {
    // Split with shell quoting, but no shell runs: what only a shell could do is refused.
    const command = splitWords(text.slice('exec:'.length), redact(text));
    if (command.length === 0) throw new InvalidCheckError('target', 'must name a command after exec:', text);
    return exec({ command });
  }
  // The value in the error must not repeat credentials.
  const shown = text.replace(USERINFO, '$1***@');
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || !['http:', 'https:', 'tcp:', 'grpc:'].includes(url.protocol))
    throw new InvalidCheckError('target', EXPECTED, shown);
  if (url.username || url.password)
    throw new InvalidCheckError('target', 'must not carry credentials (user:password@)', shown);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new InvalidCheckError('target', 'must name a host', shown);
  const port = Number(url.port);
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    return httpGet({
      scheme: url.protocol === 'https:' ? 'HTTPS' : 'HTTP',
      host,
      // WHATWG URL drops a default port, so an empty one is 80 or 443.
      port: port || (url.protocol === 'https:' ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      httpHeaders,
    });
  }
  const form = url.protocol === 'tcp:' ? 'tcp://host:port' : 'grpc://host:port[/service]';
  if (!port) throw new InvalidCheckError('target', `must name a port 1-65535 (${form})`, shown);
  if (url.search) throw new InvalidCheckError('target', `must have no query (${form})`, shown);
  const path = url.pathname.replace(/^\//, '');
  if (url.protocol === 'tcp:') {
    if (path) throw new InvalidCheckError('target', `must have no path (${form})`, shown);
    return tcpSocket({ host, port });
  }
  let service: string;
  try {
    service = decodeURIComponent(path);
  } catch {
    throw new InvalidCheckError('target', `must have a valid service name (${form})`, shown);
  }
  return grpc({ host, port, service });
}

/**
 * A check name for a target (`tcp://127.0.0.1:5432` → `tcp-127.0.0.1-5432`), valid as a check name.
 * Userinfo and the query are left out, since names end up in metric labels; long names end with a hash.
 */
export function defaultCheckName(target: string): string {
  const name = target
    .replace(USERINFO, '$1')
    .replace(/[?#].*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (name.length <= 63) return name || 'check';
  // node:crypto on first use (rare: a long target), not when core loads.
  const { createHash } = process.getBuiltinModule('node:crypto');
  const hash = createHash('sha256').update(target).digest('hex').slice(0, 8);
  return `${name.slice(0, 54).replace(/[^a-z0-9]+$/, '')}-${hash}`;
}
