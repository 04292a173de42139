// `probekit status`: a running server's checks as a table (state, since, in a row, last reason); exit 0 ready, 1 not.

import { parseDuration } from '../duration.js';
import { EXIT, UsageError } from '../errors.js';
import { type CheckJson, readServer, type ServerState, Unreachable } from '../status/read.js';
import { renderTable } from '../table.js';
import { type Command, stringFlag } from './command.js';

export const DEFAULT_URL = 'http://127.0.0.1:8099';

/** How many of the last results the RECENT column shows. */
const RECENT = 10;

export const status: Command = {
  name: 'status',
  help: `Usage: probekit status [--url URL] [--token TOKEN] [--timeout DURATION]

Asks a running probekit (the sidecar, or an app using the SDK) for its checks and prints one
line with each probe kind's answer, then CHECK STATE SINCE IN-A-ROW RECENT REASON: SINCE is when
the check last changed state, RECENT its last 10 results, oldest first (✓ passed, ✗ failed,
⌛ timed out). Exits 0 when /readyz answers 200-399, 1 when it does not, 2 when the server
cannot be reached.

Options:
      --url URL            the server (default: ${DEFAULT_URL}); an SDK app's base URL with its prefix
      --token TOKEN        the details token (server.detailsToken) when details are behind one
                           (default: $PROBEKIT_DETAILS_TOKEN)
      --timeout D          how long the server may take to answer, like 2s (default: 5s)
  -h, --help               this help

Example:
  kubectl exec deploy/shop -c probekit -- probekit status`,
  options: { url: { type: 'string' }, token: { type: 'string' }, timeout: { type: 'string' } },
  async run(parsed) {
    const text = stringFlag(parsed, 'url') ?? DEFAULT_URL;
    const url = URL.canParse(text) ? new URL(text) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(text)}`, 'status');
    const timeout = stringFlag(parsed, 'timeout');
    const timeoutMs = timeout === undefined ? 5000 : parseDuration(timeout, '--timeout', 'status');
    const token = stringFlag(parsed, 'token') ?? process.env['PROBEKIT_DETAILS_TOKEN'];
    let state: ServerState;
    try {
      state = await readServer(url, { token, timeoutMs });
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      process.stderr.write(`probekit status: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stdout.write(`${render(url, state, Date.now())}\n`);
    return passes(state.probes.readiness) ? EXIT.ok : EXIT.failed;
  },
};

function passes(code: number): boolean {
  return code >= 200 && code < 400;
}

/** The summary line and the table, as printed. */
export function render(url: URL, state: ServerState, now: number): string {
  const word = (code: number, yes: string, no: string) => `${passes(code) ? yes : no} (${code})`;
  const summary =
    `${url.href.replace(/\/$/, '')}: ` +
    `${word(state.probes.readiness, 'ready', 'not ready')}, ${word(state.probes.liveness, 'live', 'not live')}, ` +
    `${word(state.probes.startup, 'started', 'not started')}`;
  if (state.checks === undefined) {
    return `${summary}\nchecks not shown: the server shows details to no one (server.details: false) or only with --token`;
  }
  const rows = Object.entries(state.checks).map(([name, check]) => [
    name,
    check.status,
    since(check, now),
    inARow(check),
    recent(check),
    check.output ?? '',
  ]);
  return `${summary}\n${renderTable(['CHECK', 'STATE', 'SINCE', 'IN A ROW', 'RECENT', 'REASON'], rows)}`;
}

function since(check: CheckJson, now: number): string {
  if (check.since === undefined) return '-';
  const at = Date.parse(check.since);
  if (Number.isNaN(at)) return check.since;
  return `${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')} (${ago(now - at)})`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s ago`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m ago`;
}

const MARK: Readonly<Record<string, string>> = { success: '✓', failure: '✗', timeout: '⌛' };

/** The last RECENT results, oldest first, one mark each: `✓✓✗✗✗`. */
function recent(check: CheckJson): string {
  const last = (check.history ?? []).slice(0, RECENT).reverse();
  return last.map((entry) => MARK[entry.outcome] ?? '?').join('') || '-';
}

function inARow(check: CheckJson): string {
  const failures = check.consecutiveFailures ?? 0;
  const successes = check.consecutiveSuccesses ?? 0;
  if (failures > 0) return `${failures} failed`;
  return successes > 0 ? `${successes} passed` : '-';
}
