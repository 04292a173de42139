// The `httpGet` kind, after the kubelet's pkg/probe/http: GET, 2xx/3xx pass, same-host redirects only, 10 KiB body cap.
import type { OutgoingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { InvalidCheckError } from '../errors.js';
import { lazy } from '../lazy.js';
import { redact } from '../redact.js';
import type { Outcome, Prober } from '../types.js';
import { VERSION } from '../version.js';
import { abortReason, elapsedMs, errorMessage, host, hostPort, optionsObject, port } from './common.js';

export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

/** Options of the `httpGet` kind: a Kubernetes HTTPGetAction, plus `verifyTls`. */
export interface HttpGetOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** An integer 1-65535 (named ports do not exist outside a pod spec). */
  readonly port: number;
  /** Path and query. @default '/' */
  readonly path?: string;
  /** Case-insensitive. @default 'HTTP' */
  readonly scheme?: 'HTTP' | 'HTTPS' | 'http' | 'https';
  /** Sent as given, overriding the defaults; an empty `User-Agent` or `Accept` removes that header, `Host` sets the host. */
  readonly httpHeaders?: readonly HttpHeader[];
  /** Verify the server's certificate; the kubelet never does. @default false */
  readonly verifyTls?: boolean;
}

// node:https (and tls under it) only for a check that speaks it.
const https = lazy<typeof import('node:https')>('node:https');
// node:http required, never imported: on Node 22+ an ESM import of it reads every export for its facade, and
// the lazy `WebSocket` getter among them loads undici, tls and http2 (~14 MiB RSS, tens of ms) for every importer.
const http = lazy<typeof import('node:http')>('node:http');

const KEYS = ['host', 'port', 'path', 'scheme', 'httpHeaders', 'verifyTls'];
const MAX_BODY_BYTES = 10 * 1024; // the kubelet's maxRespBodyLength
const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What node:http refuses in a header value.
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** A kubelet-style HTTP probe: success iff 200 ≤ status < 400 after following same-host redirects. */
export function httpGet(options: HttpGetOptions): Prober {
  const o = optionsObject('httpGet', options, KEYS);
  const scheme = typeof o['scheme'] === 'string' ? o['scheme'].toUpperCase() : (o['scheme'] ?? 'HTTP');
  if (scheme !== 'HTTP' && scheme !== 'HTTPS')
    throw new InvalidCheckError('httpGet.scheme', 'must be HTTP or HTTPS', o['scheme']);
  const hostname = host('httpGet.host', o['host']);
  const portNumber = port('httpGet.port', o['port']);
  const path = o['path'] ?? '/';
  if (typeof path !== 'string') throw new InvalidCheckError('httpGet.path', 'must be a string', path);
  const verifyTls = o['verifyTls'] ?? false;
  if (typeof verifyTls !== 'boolean')
    throw new InvalidCheckError('httpGet.verifyTls', 'must be a boolean', verifyTls);
  const httpHeaders = headerList(o['httpHeaders'] ?? []);
  const text = `${scheme.toLowerCase()}://${hostPort(hostname, portNumber)}${path.startsWith('/') ? '' : '/'}${path}`;
  if (!URL.canParse(text)) throw new InvalidCheckError('httpGet', 'must make a valid URL', text);
  const base = new URL(text);
  const { headers, hostHeader } = requestHeaders(httpHeaders);

  return {
    kind: 'httpGet',
    target: show(base),
    identity: { kind: 'httpGet', scheme, host: hostname, port: portNumber, path, httpHeaders, verifyTls },
    componentType: 'component',
    // Header values are often credentials: never show them in a reason.
    secrets: httpHeaders.map((header) => header.value),
    async run(signal) {
      const start = performance.now();
      let url = base;
      let hostField = hostHeader;
      const fail = (reason: string): Outcome => ({ ok: false, output: `GET ${show(url)}: ${reason}` });
      for (let redirects = 0; ; redirects++) {
        let response: { status: number; location: string | undefined };
        try {
          response = await get(url, hostField ? { ...headers, Host: hostField } : headers, verifyTls, signal);
        } catch (error) {
          return fail(errorMessage(error));
        }
        const { status, location } = response;
        const observed = { observedValue: elapsedMs(start), observedUnit: 'ms' };
        if (!REDIRECT_STATUSES.has(status) || !location) return outcome(status, observed);
        if (!URL.canParse(location, url.href)) return fail(`invalid Location in a ${status} response`);
        const next = new URL(location, url);
        // Like the kubelet's RedirectChecker(false): another host ends the chain, and that is a success.
        if (next.hostname !== base.hostname) {
          const warning = `Probe terminated redirects (${status} to ${next.protocol}//${next.host})`;
          return { ok: true, warning, ...observed };
        }
        if (redirects === MAX_REDIRECTS) return fail('stopped after 10 redirects');
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          return fail(`unsupported protocol in redirect: ${next.protocol}`);
        }
        // Go keeps a custom Host through a relative redirect only (golang/go#22233).
        if (/^[a-z][a-z0-9+.-]*:/i.test(location)) hostField = undefined;
        url = next;
      }
    },
  };
}

function outcome(status: number, observed: { observedValue: number; observedUnit: string }): Outcome {
  if (status >= 200 && status < 300) return { ok: true, ...observed };
  if (status >= 300 && status < 400)
    return { ok: true, warning: `Probe terminated redirects (${status})`, ...observed };
  // The body is never part of the reason (kubernetes/kubernetes#99425).
  return { ok: false, output: `HTTP probe failed with statuscode: ${status}`, ...observed };
}

/** One request: resolves with the status once at most 10 KiB of the body is read, then closes the connection. */
function get(url: URL, headers: OutgoingHttpHeaders, verifyTls: boolean, signal: AbortSignal) {
  return new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
    if (signal.aborted) return reject(new Error(abortReason(signal)));
    const secure = url.protocol === 'https:';
    const bare = url.hostname.replace(/^\[(.*)\]$/, '$1');
    // agent: false — a fresh connection each time, no keep-alive, nothing global (proxies) applies.
    const request = (secure ? https() : http()).request(url, {
      method: 'GET',
      agent: false,
      headers,
      // SNI from the URL as Go does, not from a custom Host header as node would; never an IP.
      ...(secure && { rejectUnauthorized: verifyTls, servername: isIP(bare) ? '' : bare }),
    });
    let settled = false;
    const finish = (error: Error | undefined, status = 0, location?: string) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      request.destroy();
      if (error) reject(error);
      else resolve({ status, location });
    };
    const onAbort = () => finish(new Error(abortReason(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => finish(error));
    request.on('response', (response) => {
      const done = () => finish(undefined, response.statusCode ?? 0, response.headers.location);
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= MAX_BODY_BYTES) done();
      });
      response.on('end', done);
      // node says only `aborted` when the connection closes early; 'close' after 'end' is a no-op.
      const early = () => finish(new Error('connection closed before the end of the body'));
      response.on('error', early).on('close', early);
    });
    request.end();
  });
}

function headerList(value: unknown): HttpHeader[] {
  if (!Array.isArray(value))
    throw new InvalidCheckError('httpGet.httpHeaders', 'must be an array of { name, value }', value);
  return value.map((header: unknown, i) => {
    const path = `httpGet.httpHeaders[${i}]`;
    const { name, value: text } = optionsObject(path, header, ['name', 'value']);
    if (typeof name !== 'string' || !TOKEN.test(name))
      throw new InvalidCheckError(`${path}.name`, 'must be an HTTP header name', name);
    if (typeof text !== 'string' || INVALID_VALUE.test(text)) {
      // The value may be a secret: name its type, never its content.
      throw new InvalidCheckError(
        `${path}.value`,
        'must be a string without control characters',
        typeof text,
      );
    }
    return { name, value: text };
  });
}

/** The kubelet's newProbeRequest: defaults unless given, empty User-Agent/Accept removed, Host taken out. */
function requestHeaders(custom: readonly HttpHeader[]) {
  const byName = new Map<string, { name: string; values: string[] }>();
  for (const { name, value } of custom) {
    const entry = byName.get(name.toLowerCase());
    if (entry) entry.values.push(value);
    else byName.set(name.toLowerCase(), { name, values: [value] });
  }
  for (const [name, value] of [
    ['User-Agent', `probekit/${VERSION}`],
    ['Accept', '*/*'],
  ] as const) {
    const entry = byName.get(name.toLowerCase());
    if (!entry) byName.set(name.toLowerCase(), { name, values: [value] });
    else if (entry.values[0] === '') byName.delete(name.toLowerCase());
  }
  const hostHeader = byName.get('host')?.values[0] || undefined;
  byName.delete('host');
  byName.delete('connection');
  const headers: OutgoingHttpHeaders = { Connection: 'close' };
  for (const { name, values } of byName.values()) headers[name] = values.length === 1 ? values[0] : values;
  return { headers, hostHeader };
}

/** The URL without userinfo or fragment. */
// No userinfo, and secret-looking query parameters (`?token=…`) masked: the target is shown in tables and logs.
function show(url: URL): string {
  return redact(`${url.protocol}//${url.host}${url.pathname}${url.search}`);
}
