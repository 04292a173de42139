// What a running server says about itself: each probe kind's HTTP status and the checks of `/healthz` as health+json.
import { PROBE_PATHS, type ProbeKind } from '@probekit/core';

/** One check as `/healthz` answers it in health+json (the IETF draft's fields plus probekit's own). */
export interface CheckJson {
  readonly status: 'pass' | 'warn' | 'fail';
  readonly time?: string;
  readonly output?: string;
  /** When the check last changed state (ISO 8601). */
  readonly since?: string;
  readonly consecutiveSuccesses?: number;
  readonly consecutiveFailures?: number;
  readonly durationMs?: number;
  /** The last results, newest first (`?history`). */
  readonly history?: readonly { readonly time: string; readonly outcome: string; readonly reason?: string }[];
}

export interface ServerState {
  /** The HTTP status of `/startupz`, `/livez` and `/readyz`. */
  readonly probes: Readonly<Record<ProbeKind, number>>;
  /** Checks by name; `undefined` when the server keeps details to itself (details off, or behind a token). */
  readonly checks: Readonly<Record<string, CheckJson>> | undefined;
}

/** The request failed: nothing listens, a timeout, or an answer that is not a probekit server's. */
export class Unreachable extends Error {}

/** Reads the server at `base` (`http://127.0.0.1:8099`, or an SDK app's URL with its prefix). */
export async function readServer(
  base: URL,
  options: { readonly token?: string | undefined; readonly timeoutMs: number },
): Promise<ServerState> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const get = async (segment: string, accept: string) => {
    const url = new URL(segment, base.href.endsWith('/') ? base : `${base.href}/`);
    try {
      const response = await fetch(url, { headers: { ...headers, accept }, signal, redirect: 'manual' });
      return { url: `${url.origin}${url.pathname}`, status: response.status, body: await response.text() };
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      const why = signal.aborted
        ? `no answer within ${options.timeoutMs / 1000}s`
        : (cause?.code ?? cause?.message);
      throw new Unreachable(`cannot read ${url.origin}${url.pathname}: ${why ?? (error as Error).message}`);
    }
  };
  const kinds = Object.keys(PROBE_PATHS).filter((kind): kind is ProbeKind => kind !== 'all');
  const [health, ...answers] = await Promise.all([
    get(`${PROBE_PATHS.all}?history`, 'application/health+json'),
    ...kinds.map((kind) => get(PROBE_PATHS[kind], 'text/plain')),
  ]);
  const probes = Object.fromEntries(kinds.map((kind, index) => [kind, answers[index]?.status ?? 0]));
  return { probes: probes as Record<ProbeKind, number>, checks: checksOf(health.body, health.url) };
}

function checksOf(body: string, url: string): Record<string, CheckJson> | undefined {
  let parsed: { checks?: Record<string, CheckJson[]> };
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Unreachable(`${url} did not answer health+json: ${JSON.stringify(body.slice(0, 80))}`);
  }
  if (parsed.checks === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(parsed.checks).flatMap(([name, entries]) => (entries[0] ? [[name, entries[0]]] : [])),
  );
}
