// Issue 11, the in-process cost: the host app's own route at a fixed request rate (open loop) with the SDK and 20
// checks at 1 s against the same app without it; and /readyz latency while the app's event loop is busy.
import { appServer, type Environment, type Server } from '../candidates.js';
import { isRunning, launch, type Running } from '../lib/launch.js';
import { type OpenLoopResult, openLoop } from '../lib/openloop.js';
import { type SectionResult, type TargetRow, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmt, fmtSpread, ratioOf, spread } from '../lib/stats.js';

const CHECKS = 20;
/** The busy app: each `/busy` request holds the event loop this long, at a rate that keeps it ~75% busy. */
const BUSY_MS = 5;
const BUSY_RATE = 150;
/** /readyz requests per second meanwhile: a latency distribution, not load. */
const PROBE_RATE = 20;

export async function hostApp(settings: Settings, env: Environment): Promise<SectionResult> {
  const bare = appServer(0);
  const withSdk = appServer(CHECKS, { periodSeconds: 1 });
  const results = new Map<string, OpenLoopResult[]>([
    [bare.id, []],
    [withSdk.id, []],
  ]);
  let reason: string | undefined;
  const measure = async (server: Server) => {
    const running = await launch(server, env, [{ path: '/ok' }]);
    if (!isRunning(running)) {
      reason = running.reason;
      return;
    }
    try {
      const result = await openLoop(loadOn(running, '/ok', settings.appRate, settings));
      results.get(server.id)!.push(result);
      console.log(
        `  ${server.id}: ${fmt(result.rps)} req/s at ${settings.appRate}/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`,
      );
    } finally {
      await running.process.kill();
    }
  };
  // Pairs in alternating order, each server freshly started and alone on the server core.
  for (let rep = 0; rep < settings.appReps && reason === undefined; rep++) {
    for (const server of rep % 2 ? [withSdk, bare] : [bare, withSdk]) await measure(server);
  }
  const busy = reason === undefined ? await busyLoop(withSdk, env, settings) : undefined;

  const of = (server: Server, pick: (r: OpenLoopResult) => number) => results.get(server.id)!.map(pick);
  const targets: TargetRow[] = [];
  const throughputGoal = `Host app route at ${fmt(settings.appRate)} req/s (open loop), SDK + ${CHECKS} checks at 1 s: ≥ 0.98× the throughput without`;
  const p99Goal = `Host app route at ${fmt(settings.appRate)} req/s (open loop), SDK + ${CHECKS} checks at 1 s: p99 ≤ 1.05× without`;
  if (reason !== undefined) {
    targets.push({
      id: 'app-throughput',
      issue: 11,
      goal: throughputGoal,
      figure: unavailable(reason),
      met: undefined,
    });
    targets.push({ id: 'app-p99', issue: 11, goal: p99Goal, figure: unavailable(reason), met: undefined });
  } else {
    const rps = ratioOf(
      of(withSdk, (r) => r.rps),
      of(bare, (r) => r.rps),
    );
    const p99 = ratioOf(
      of(withSdk, (r) => r.p99Ms),
      of(bare, (r) => r.p99Ms),
    );
    targets.push({
      id: 'app-throughput',
      issue: 11,
      goal: throughputGoal,
      figure: `×${fmtSpread(rps, 3)}`,
      met: rps.median >= 0.98,
    });
    targets.push({
      id: 'app-p99',
      issue: 11,
      goal: p99Goal,
      figure: `×${fmtSpread(p99, 2)}`,
      met: p99.median <= 1.05,
    });
  }
  const rows = [bare, withSdk].map((server) => {
    const runs = results.get(server.id)!;
    if (runs.length === 0) return [server.label, unavailable(reason ?? 'not measured'), '', '', ''];
    const count = (field: 'non200' | 'errors' | 'unanswered') => runs.reduce((sum, r) => sum + r[field], 0);
    const lost = (
      [
        ['non-200', count('non200')],
        ['closed with a request in flight', count('errors')],
        ['never sent (no connection free)', count('unanswered')],
      ] as const
    )
      .filter(([, n]) => n > 0)
      .map(([what, n]) => `${n} ${what}`);
    return [
      server.label + (lost.length > 0 ? ` ⚠ ${lost.join(', ')}` : ''),
      fmtSpread(spread(runs.map((r) => r.rps))),
      fmtSpread(spread(runs.map((r) => r.p50Ms)), 3),
      fmtSpread(spread(runs.map((r) => r.p99Ms)), 3),
      fmtSpread(spread(runs.map((r) => r.maxMs)), 2),
    ];
  });
  const body = [
    `The app (bench/servers/app.cjs): node:http answering \`/ok\`; with the SDK, its node:http handler in front with ${CHECKS} ` +
      'checks at `periodSeconds: 1` (`tcpSocket`, `httpGet` and function checks in turn). An open-loop generator on the other ' +
      `core sends \`GET /ok\` at a fixed ${fmt(settings.appRate)} requests a second over keep-alive connections for ` +
      `${settings.appSeconds} s after 1 s of warm-up, whether or not earlier ones were answered; a latency runs from the moment ` +
      `the request fell due. ${settings.appReps} pair(s), each server freshly started alone, in alternating order; ratios pair the runs.`,
    '',
    table(['app', 'answers/s', 'p50 ms', 'p99 ms', 'max ms'], rows),
    '',
    '**`/readyz` while the event loop is busy.** The SDK answers from the app’s own event loop, so a probe waits for whatever ' +
      `holds it. The app with the SDK gets \`/busy\` requests that each hold the loop ${BUSY_MS} ms, ${BUSY_RATE} a second ` +
      `(≈ ${fmt((BUSY_MS * BUSY_RATE) / 10)}% busy), while \`/readyz\` is asked ${PROBE_RATE} times a second (open loop, as above); ` +
      'the idle row is the same app with no `/busy` load.',
    '',
    busy
      ? table(
          ['app event loop', '/readyz p50 ms', 'p99 ms', 'max ms', 'non-200'],
          busy.map(([label, r]) => [
            label,
            fmt(r.p50Ms, 2),
            fmt(r.p99Ms, 2),
            fmt(r.maxMs, 1),
            fmt(r.non200 + r.errors),
          ]),
        )
      : unavailable(reason ?? 'not measured'),
  ].join('\n');
  const figures: Record<string, string> = {};
  for (const [i, [, r]] of (busy ?? []).entries())
    figures[i === 0 ? 'readyz-idle' : 'readyz-busy'] = `p99 ${fmt(r.p99Ms, 1)} ms, max ${fmt(r.maxMs, 1)} ms`;
  return { title: 'The host app: its own route, and probes while it is busy', body, targets, figures };
}

function loadOn(running: Running, path: string, rate: number, settings: Settings) {
  return {
    host: '127.0.0.1',
    port: running.port,
    path,
    rate,
    seconds: settings.appSeconds,
    warmupSeconds: 1,
    connections: 64,
  };
}

/** /readyz latency of the SDK app idle, then with its loop held by `/busy` requests. */
async function busyLoop(
  server: Server,
  env: Environment,
  settings: Settings,
): Promise<[string, OpenLoopResult][] | undefined> {
  const running = await launch(server, env, [{ path: '/readyz' }]);
  if (!isRunning(running)) return undefined;
  try {
    const idle = await openLoop(loadOn(running, '/readyz', PROBE_RATE, settings));
    const [held] = await Promise.all([
      openLoop(loadOn(running, '/readyz', PROBE_RATE, settings)),
      openLoop(loadOn(running, `/busy?ms=${BUSY_MS}`, BUSY_RATE, settings)),
    ]);
    console.log(`  /readyz p99: idle ${idle.p99Ms.toFixed(2)} ms, busy loop ${held.p99Ms.toFixed(2)} ms`);
    return [
      ['idle', idle],
      [`${fmt((BUSY_MS * BUSY_RATE) / 10)}% busy (${BUSY_MS} ms tasks)`, held],
    ];
  } finally {
    await running.process.kill();
  }
}
