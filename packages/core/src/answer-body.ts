// The bodies of a probe answer: `ok`, kube-apiserver's verbose lines (with what an operator asks next), or the
// IETF health+json document (draft-inadarei-api-health-check-06). answer.ts decides what they cover and frames them.
import { reasonOf, stateNote } from './explain.js';
import { checkStatus } from './state.js';
import type { CheckSnapshot, HealthStatus, HistoryEntry, ProbeKind, ProbeSnapshot } from './types.js';

/** A probe request, parsed. */
export interface ParsedRequest {
  readonly kind: ProbeKind | 'all';
  readonly check: string | undefined;
  readonly verbose: boolean;
  readonly json: 'health+json' | 'json' | false;
  readonly exclude: readonly string[];
  /** `?history`: JSON answers carry each check's last results. */
  readonly history: boolean;
}

/** A rendered body: the status it stands for, its media type and its text. */
export interface Body {
  readonly status: HealthStatus;
  readonly type: 'text' | 'json' | 'health+json';
  readonly text: string;
}

// How a check reads in this answer: alone, a failing check fails whatever `critical` says.
function statusIn(check: CheckSnapshot, request: ParsedRequest): HealthStatus {
  return checkStatus(check, request.kind, request.check !== undefined);
}

/**
 * The body when it names no check: `ok`, or the bare failure (no lines asked for, or none shown to this requester);
 * undefined when the body lists checks. answer.ts asks this first, so a plain probe never gathers the checks.
 */
export function bareBody(
  segment: string,
  status: HealthStatus,
  request: ParsedRequest,
  details: boolean,
): Body | undefined {
  if (request.json)
    return details ? undefined : { status, type: request.json, text: JSON.stringify({ status }) };
  if (details && (request.verbose || status === 'fail')) return undefined;
  const text =
    status === 'fail' ? (request.check !== undefined ? 'failed\n' : `${segment} check failed\n`) : 'ok';
  return { status, type: 'text', text };
}

/**
 * The body of an answer over `checks` (those of its kind, or the one asked for alone) in the state decided for
 * them: health+json when asked for, else `ok` or the verbose lines; reasons only with `details`.
 */
export function renderBody(
  segment: string,
  checks: readonly CheckSnapshot[],
  { status, reason }: ProbeSnapshot,
  request: ParsedRequest,
  details: boolean,
  unmatched: readonly string[],
  excluded: ReadonlySet<string>,
): Body {
  const bare = bareBody(segment, status, request, details);
  if (bare) return bare;
  if (request.json) {
    return { status, type: request.json, text: healthJson(checks, status, reason, request, excluded) };
  }
  const lines = checks.map((check) =>
    excluded.has(check.name)
      ? `[+]${check.name} excluded: ok`
      : line(check, statusIn(check, request), request.kind),
  );
  if (unmatched.length > 0) {
    lines.push(
      `warn: some health checks cannot be excluded: no matches for ${unmatched.map((n) => JSON.stringify(n)).join(',')}`,
    );
  }
  const verdict = status === 'fail' ? 'failed' : 'passed';
  lines.push(reason ? `${segment} check ${verdict}: ${reason}` : `${segment} check ${verdict}`);
  return { status, type: 'text', text: `${lines.join('\n')}\n` };
}

// kube-apiserver's line, then what an operator asks next: `(failing since …, 3 in a row)`, `(1 failure, 2 more to fail)`.
function line(check: CheckSnapshot, status: HealthStatus, kind: ProbeKind | 'all'): string {
  const note = stateNote(check, status);
  const tail = note === undefined ? '' : ` (${note})`;
  if (status === 'pass') return `[+]${check.name} ok${tail}`;
  const mark = status === 'warn' ? '[~]' : '[-]';
  const word = status === 'warn' ? 'warn' : 'failed';
  return `${mark}${check.name} ${word}: ${reasonOf(check, kind)}${tail}`;
}

function healthJson(
  checks: readonly CheckSnapshot[],
  status: HealthStatus,
  reason: string | undefined,
  request: ParsedRequest,
  excluded: ReadonlySet<string>,
): string {
  const { kind } = request;
  const entries: Record<string, unknown[]> = {};
  for (const check of checks) {
    if (excluded.has(check.name)) continue;
    const own = statusIn(check, request);
    entries[check.name] = [
      {
        status: own,
        componentType: check.componentType,
        ...(check.lastRunAt !== undefined && { time: new Date(check.lastRunAt).toISOString() }),
        ...(own !== 'pass' && { output: reasonOf(check, kind) }),
        ...(check.observedValue !== undefined && { observedValue: check.observedValue }),
        ...(check.observedUnit !== undefined && { observedUnit: check.observedUnit }),
        since: new Date(check.since).toISOString(),
        consecutiveSuccesses: check.consecutiveSuccesses,
        consecutiveFailures: check.consecutiveFailures,
        ...(check.lastDurationMs !== undefined && { durationMs: round(check.lastDurationMs) }),
        ...(request.history && { history: check.history.map(historyJson) }),
      },
    ];
  }
  return JSON.stringify({ status, ...(reason !== undefined && { output: reason }), checks: entries });
}

function historyJson(entry: HistoryEntry): Record<string, unknown> {
  return {
    time: new Date(entry.at).toISOString(),
    durationMs: round(entry.durationMs),
    outcome: entry.outcome,
    ...(entry.reason !== undefined && { reason: entry.reason }),
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
