// The status page's HTML for a snapshot: the probe kinds, the fleet, each check with its timeline, the build.
// Everything a check reports is escaped; the only style and script are the assets the CSP allows by hash.
// A cycle with answer.js (through status-page.js): each uses the other only inside functions.
import { PROBE_PATHS } from './answer.js';
import { isoSeconds, plural, reasonOf } from './explain.js';
import { fleetState } from './fleet/local.js';
import { checkStatus, gates, worst } from './state.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './status-page-assets.js';
import type { CheckSnapshot, HealthStatus, HistoryEntry, ProbeKind, RunResult, Snapshot } from './types.js';
import { HISTORY_LENGTH, PROBE_KINDS } from './types.js';
import { VERSION } from './version.js';

const SYMBOL: Readonly<Record<HealthStatus, string>> = { pass: '✓', warn: '⚠', fail: '✗' };
const OUTCOME: Readonly<Record<RunResult, { symbol: string; word: string }>> = {
  success: { symbol: '✓', word: 'passed' },
  failure: { symbol: '✗', word: 'failed' },
  timeout: { symbol: '⌛', word: 'timed out' },
};

/** The page's HTML for a snapshot. */
export function renderStatusPage(snapshot: Snapshot): string {
  const { checks } = snapshot;
  const probes = snapshot.probes;
  const ready = probes.readiness.status !== 'fail';
  const failing = PROBE_KINDS.filter((kind) => probes[kind].status === 'fail');
  const warning = PROBE_KINDS.filter((kind) => probes[kind].status === 'warn');
  const summary =
    failing.length > 0
      ? `${SYMBOL.fail} ${ready ? 'Ready, but' : 'Not ready:'} ${failing.map((kind) => `${kind} fails`).join(', ')}`
      : warning.length > 0
        ? `${SYMBOL.warn} Ready, with warnings: ${warning.map((kind) => `${kind} warns`).join(', ')}`
        : `${SYMBOL.pass} Ready: every probe passes`;
  const worstProbe = PROBE_KINDS.reduce<HealthStatus>(
    (status, kind) => worst(status, probes[kind].status),
    'pass',
  );
  const updated = isoSeconds(snapshot.takenAt);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${SYMBOL[worstProbe]} ${ready ? 'ready' : 'not ready'} · probekit status</title>
<link rel="icon" href="${favicon(worstProbe)}">
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>probekit status</h1>
<p class="summary ${worstProbe}" id="summary" role="status" aria-live="polite">${html(summary)}</p>
<p class="meta"><span id="updated">Updated <time datetime="${updated}">${updated}</time></span>
<span id="live">Reload the page to update it.</span>
<button type="button" id="pause" aria-pressed="false" hidden>Pause updates</button></p>
</header>
<main id="main">
<section aria-labelledby="probes-title">
<h2 id="probes-title">Probes</h2>
<table>
<thead><tr><th scope="col">Probe</th><th scope="col">State</th><th scope="col">Not passing</th><th scope="col">Answer</th></tr></thead>
<tbody>
${PROBE_KINDS.map((kind) => probeRow(snapshot, kind)).join('\n')}
</tbody>
</table>
</section>
${fleetSection(snapshot)}<section aria-labelledby="checks-title">
<h2 id="checks-title">Checks</h2>
${checks.length === 0 ? '<p>No checks are defined: every probe passes.</p>' : checksTable(checks)}
</section>
<section aria-labelledby="build-title">
<h2 id="build-title">Build</h2>
<dl>
<dt>probekit</dt><dd>${html(VERSION)}</dd>
<dt>runtime</dt><dd>Node.js ${html(process.version)}</dd>
<dt>snapshot</dt><dd>version ${snapshot.version}, taken <time datetime="${updated}">${updated}</time></dd>
</dl>
</section>
</main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

// The kind's own reason (`starting`), else the checks that make it fail or warn.
function probeRow(snapshot: Snapshot, kind: ProbeKind): string {
  const { status, reason } = snapshot.probes[kind];
  const culprits = snapshot.checks.filter(
    (check) => gates(check, kind) && checkStatus(check, kind) !== 'pass',
  );
  const why = reason ?? (culprits.length === 0 ? '' : `${culprits.map((check) => check.name).join(', ')}`);
  const path = PROBE_PATHS[kind];
  return (
    `<tr id="probe-${kind}"><th scope="row">${kind}</th><td>${state(status)}</td>` +
    `<td class="reason">${html(why)}</td>` +
    `<td><a href="${path}?verbose">/${path}</a></td></tr>`
  );
}

// The fleet this member is in (docs/fleet.md): who it is, the latest round, and each shared check across the fleet.
function fleetSection(snapshot: Snapshot): string {
  const shared = snapshot.checks.filter((check) => check.scope === 'shared');
  const { fleet } = snapshot;
  if (!fleet) {
    if (shared.length === 0) return '';
    return `<section aria-labelledby="fleet-title">
<h2 id="fleet-title">Fleet</h2>
<p>No fleet configured: the shared checks (${html(shared.map((check) => check.name).join(', '))}) have plain semantics.</p>
</section>
`;
  }
  const { view } = fleet;
  const at = view.at === undefined ? undefined : isoSeconds(view.at);
  const round =
    at === undefined
      ? 'not asked yet'
      : `<time datetime="${at}">${at}</time> (round ${view.rounds}, every ${fleet.refreshSeconds} s)`;
  const rows = shared.map((check) => {
    const here = fleetState(check);
    const peers = view.checks.get(check.name)?.peers ?? { failing: 0, answering: 0 };
    const failing = peers.failing + (here === 'fail' ? 1 : 0);
    const verdict = check.fleet
      ? check.fleet.status === 'warn'
        ? check.fleet.reason
        : check.fleet.note
      : '';
    return (
      `<tr id="fleet-${check.name}"><th scope="row">${html(check.name)}</th><td>${html(here)}</td>` +
      `<td>${view.rounds === 0 ? '' : `failing on ${failing} of ${peers.answering + 1}`}</td>` +
      `<td class="reason">${html(verdict)}</td></tr>`
    );
  });
  return `<section aria-labelledby="fleet-title">
<h2 id="fleet-title">Fleet</h2>
<dl>
<dt>member</dt><dd>${html(fleet.member)}</dd>
<dt>peers</dt><dd>${html(fleet.peers)}</dd>
<dt>last round</dt><dd>${round}</dd>
<dt>members</dt><dd>${view.answering} answering (this one included), ${view.silent} silent</dd>
<dt>rule</dt><dd>an outage at ${fleet.outagePercent} % of at least ${fleet.minMembers} members; ${fleet.sample} peers asked a round</dd>
</dl>
${
  rows.length === 0
    ? '<p>No check has scope: shared: the fleet changes nothing.</p>'
    : `<table>
<thead><tr><th scope="col">Shared check</th><th scope="col">Here</th><th scope="col">Members (this one included)</th><th scope="col">The fleet's verdict</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`
}
</section>
`;
}

function checksTable(checks: readonly CheckSnapshot[]): string {
  const rows = checks.map((check) => {
    const status = checkStatus(check, 'all');
    const facts = [check.kind, check.probes.join(', '), check.critical ? 'critical' : 'not critical'];
    const since = isoSeconds(check.since);
    return (
      `<tr id="check-${check.name}" data-state="${status}">` +
      `<th scope="row">${html(check.name)}<div class="sub">${html(facts.join(' · '))}</div>` +
      `<div class="sub">${html(check.target)}</div></th>` +
      `<td>${state(status)}</td>` +
      `<td><time datetime="${since}">${since}</time></td>` +
      `<td>${html(inARow(check, status))}</td>` +
      `<td class="reason">${status === 'pass' ? html(check.warning ?? '') : html(reasonOf(check, 'all'))}</td>` +
      `<td>${timeline(check.history)}</td></tr>`
    );
  });
  return `<table>
<thead><tr><th scope="col">Check</th><th scope="col">State</th><th scope="col">Since</th><th scope="col">In a row</th><th scope="col">Last reason</th><th scope="col">Last ${HISTORY_LENGTH} results, oldest first</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p class="legend">Results: a short bar passed, a tall bar failed, a striped bar timed out; each bar's title gives its time, duration and reason.</p>`;
}

// `history` is newest first; a timeline reads left to right, oldest first.
function timeline(history: readonly HistoryEntry[]): string {
  if (history.length === 0) return '<span class="sub">no result yet</span>';
  const counts: Record<RunResult, number> = { success: 0, failure: 0, timeout: 0 };
  const items: string[] = [];
  for (let index = history.length - 1; index >= 0; index--) {
    const result = history[index]!;
    counts[result.outcome]++;
    const { symbol, word } = OUTCOME[result.outcome];
    const title = `${isoSeconds(result.at)} ${word} in ${formatMs(result.durationMs)}${result.reason ? `: ${result.reason}` : ''}`;
    items.push(`<li class="${result.outcome}" title="${html(title)}">${symbol}</li>`);
  }
  const label =
    `last ${history.length} results: ${counts.success} passed, ${counts.failure} failed` +
    `${counts.timeout > 0 ? `, ${counts.timeout} timed out` : ''}`;
  return `<ol class="tl" aria-label="${label}">${items.join('')}</ol>`;
}

function state(status: HealthStatus): string {
  return `<span class="st ${status}">${SYMBOL[status]} ${status}</span>`;
}

// The run of identical results that matters now, and how far it is from changing the state.
function inARow(check: CheckSnapshot, status: HealthStatus): string {
  const failures = check.consecutiveFailures;
  const successes = check.consecutiveSuccesses;
  if (failures > 0) {
    const counting = status === 'pass' && check.condition !== 'failing' && !check.stale;
    return `${plural(failures, 'failure')}${counting ? `, ${check.failureThreshold - failures} more to fail` : ''}`;
  }
  if (successes === 0) return '';
  const counting = status !== 'pass' && successes < check.successThreshold;
  return `${plural(successes, 'success')}${counting ? `, ${check.successThreshold - successes} more to pass` : ''}`;
}

function favicon(status: HealthStatus): string {
  const colour = { pass: '#1a7f37', warn: '#9a6700', fail: '#cf222e' }[status];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="${colour}"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms * 10) / 10} ms` : `${Math.round(ms / 10) / 100} s`;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function html(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}
