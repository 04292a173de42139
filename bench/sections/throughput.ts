// Section 1: probe endpoint throughput and p99, each candidate alone on the server core (with its CPU time per
// request); then head-to-head pairs loaded at once on that core, compared by server CPU time per request.
import { ENDPOINTS, type Endpoint, type Environment, type Server } from '../candidates.js';
import { headToHead, type PairResult } from '../lib/headtohead.js';
import { isRunning, launch, type Running } from '../lib/launch.js';
import { type LoadResult, load } from '../lib/loadgen.js';
import { cpuTimes } from '../lib/proc.js';
import { type Bar, type SectionResult, type TargetRow, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmt, fmtSpread, ratioOf, spread } from '../lib/stats.js';

interface Measured {
  readonly endpoint: Endpoint;
  readonly reason?: string;
  readonly runs: LoadResult[];
  /** Server CPU µs per request during each alone run. */
  readonly cpuUs: number[];
  /** Head-to-head against `endpoint.baseline`, per repetition. */
  h2h: PairResult[];
}

export async function throughput(settings: Settings, env: Environment): Promise<SectionResult> {
  const measured = new Map<string, Measured>(
    ENDPOINTS.map((endpoint) => [endpoint.id, { endpoint, runs: [], cpuUs: [], h2h: [] }]),
  );
  const servers = [...new Set(ENDPOINTS.map((endpoint) => endpoint.server))];
  const live = new Set<string>();
  // Every round starts each server anew and loads it alone on the server core: nothing else runs there (an idle
  // neighbour with checks of its own, or one merely started earlier, moved the figures by up to 30% on this VM).
  for (let round = 0; round < settings.rounds; round++) {
    // Rotated each round, so that no candidate always runs right after the same neighbour.
    for (const server of servers.map((_, i) => servers[(i + round) % servers.length] as Server)) {
      const endpoints = ENDPOINTS.filter((e) => e.server === server);
      if (endpoints.some((e) => measured.get(e.id)!.reason !== undefined)) continue;
      const running = await launch(
        server,
        env,
        endpoints.map((e) => ({ path: e.path, ...(e.headers && { headers: e.headers }) })),
      );
      if (!isRunning(running)) {
        for (const e of endpoints) measured.set(e.id, { ...measured.get(e.id)!, reason: running.reason });
        continue;
      }
      try {
        for (const endpoint of endpoints) {
          live.add(endpoint.id);
          if (settings.warmupSeconds > 0)
            await loadOf(running, endpoint, settings.warmupSeconds, settings.connections);
          const pid = running.process.pid;
          const cpu0 = cpuTimes(pid).self;
          const result = await loadOf(running, endpoint, settings.roundSeconds, settings.connections);
          const cpuUs = ((cpuTimes(pid).self - cpu0) * 1000) / result.requests;
          measured.get(endpoint.id)!.runs.push(result);
          measured.get(endpoint.id)!.cpuUs.push(cpuUs);
          console.log(
            `  ${endpoint.id}: ${fmt(result.rps)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ${cpuUs.toFixed(1)} µs CPU/req`,
          );
        }
      } finally {
        await running.process.kill();
      }
    }
  }

  const wanted = settings.headToHead;
  for (const endpoint of ENDPOINTS) {
    const baseline = ENDPOINTS.find((e) => e.id === endpoint.baseline);
    if (!baseline || !live.has(endpoint.id) || !live.has(baseline.id)) continue;
    if (wanted !== 'all' && !wanted.includes(endpoint.id)) continue;
    const pairs = await headToHead(endpoint, baseline, env, settings);
    if (!Array.isArray(pairs)) continue;
    measured.get(endpoint.id)!.h2h = pairs;
    for (const pair of pairs) {
      console.log(
        `  h2h ${endpoint.id} vs ${baseline.id}: ${pair.candidateUs.toFixed(1)} vs ${pair.baselineUs.toFixed(1)} µs/req`,
      );
    }
  }
  return report(measured, settings);
}

function loadOf(
  running: Running,
  endpoint: Endpoint,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  return load({
    url: running.url(endpoint.path),
    seconds,
    connections,
    ...(endpoint.headers && { headers: endpoint.headers }),
  });
}

function report(measured: Map<string, Measured>, settings: Settings): SectionResult {
  const get = (id: string) => measured.get(id)!;
  const rps = (id: string) => get(id).runs.map((run) => run.rps);
  const p99 = (id: string) => get(id).runs.map((run) => run.p99Ms);
  const h2hRatio = (id: string) => spread(get(id).h2h.map((pair) => pair.candidateUs / pair.baselineUs));
  const rows: string[][] = [];
  const bars: Bar[] = [];
  let broken = false;
  for (const m of measured.values()) {
    const { endpoint } = m;
    if (m.reason !== undefined) {
      rows.push([endpoint.label, unavailable(m.reason), '', '', '', '', '']);
      bars.push({ label: endpoint.label.replace(/`/g, ''), value: Number.NaN, group: endpoint.server.group });
      continue;
    }
    const bad = m.runs.reduce((sum, run) => sum + run.non2xx + run.socketErrors, 0);
    broken ||= bad > 0;
    const vsNode = ratioOf(rps(endpoint.id), rps('node'));
    const vsBase = endpoint.baseline ? ratioOf(rps(endpoint.id), rps(endpoint.baseline)) : undefined;
    const h2h = get(endpoint.id).h2h;
    const cpu = spread(m.cpuUs);
    const cpuVsBase = endpoint.baseline ? ratioOf(m.cpuUs, get(endpoint.baseline).cpuUs) : undefined;
    rows.push([
      endpoint.label + (bad > 0 ? ` ⚠ ${bad} non-2xx/errors` : ''),
      fmtSpread(spread(rps(endpoint.id))),
      fmtSpread(spread(p99(endpoint.id)), 2),
      fmtSpread(vsNode, 2),
      vsBase && endpoint.baseline ? `${fmtSpread(vsBase, 2)} of ${endpoint.baseline}` : '',
      `${fmt(cpu.median, 1)}${cpuVsBase ? ` (×${fmt(cpuVsBase.median, 2)})` : ''}`,
      h2h.length > 0
        ? `${fmt(spread(h2h.map((p) => p.candidateUs)).median, 1)} vs ${fmt(spread(h2h.map((p) => p.baselineUs)).median, 1)} → ×${fmtSpread(h2hRatio(endpoint.id), 3)}`
        : '',
    ]);
    bars.push({
      label: endpoint.label.replace(/`/g, ''),
      value: vsNode.median,
      min: vsNode.min,
      max: vsNode.max,
      group: endpoint.server.group,
    });
  }

  const targets: TargetRow[] = [];
  const missing = (...ids: string[]) => ids.map((id) => get(id).reason).find((r) => r !== undefined);
  /** A target on a figure of `id` against `base`; `measure` runs only when both were measured. */
  const target = (
    row: Omit<TargetRow, 'figure' | 'met'>,
    ids: string[],
    measure: () => Pick<TargetRow, 'figure' | 'met'>,
  ) => {
    const reason = missing(...ids);
    targets.push({
      ...row,
      ...(reason === undefined ? measure() : { figure: unavailable(reason), met: undefined }),
    });
  };
  target(
    {
      id: 'sidecar-cpu',
      issue: 11,
      goal: 'Sidecar CPU per `/readyz` answer, head-to-head on one core ≤ 1.05× bare node:http',
    },
    ['sidecar', 'node'],
    () => {
      if (get('sidecar').h2h.length === 0)
        return { figure: unavailable('head-to-head not run'), met: undefined };
      const h2h = h2hRatio('sidecar');
      return { figure: `×${fmtSpread(h2h, 3)}`, met: h2h.median <= 1.05 };
    },
  );
  const throughputTarget = (id: string, goal: string, candidate: string, base: string, min: number) => {
    target({ id, goal }, [candidate, base], () => {
      const ratio = ratioOf(rps(candidate), rps(base));
      return { figure: `×${fmtSpread(ratio, 2)} throughput`, met: ratio.median >= min };
    });
    if (get(candidate).endpoint.baseline === base && get(candidate).h2h.length > 0) {
      target(
        { id: `${id}-cpu`, goal: `${goal} — head-to-head CPU/request ≤ ×${(1 / min).toFixed(3)}` },
        [candidate, base],
        () => {
          const h2h = h2hRatio(candidate);
          return { figure: `×${fmtSpread(h2h, 3)}`, met: h2h.median <= 1 / min };
        },
      );
    }
  };
  throughputTarget('sidecar-vs-lightship', 'Sidecar /readyz not below lightship', 'sidecar', 'lightship', 1);
  target(
    { id: 'sidecar-p99', goal: 'Sidecar /readyz p99 ≤ 1.1× bare fastify' },
    ['sidecar', 'fastify'],
    () => {
      const ratio = ratioOf(p99('sidecar'), p99('fastify'));
      return { figure: `×${fmtSpread(ratio, 2)} p99`, met: ratio.median <= 1.1 };
    },
  );
  throughputTarget(
    'sdk-fastify',
    'SDK /readyz on fastify ≥ 0.95× bare fastify route',
    'sdk-fastify',
    'fastify',
    0.95,
  );
  throughputTarget('sdk-node', 'SDK /readyz on node:http ≥ 0.9× bare node:http', 'sdk-node', 'node', 0.9);
  throughputTarget(
    'sdk-fastify-50',
    'SDK on fastify: 50 checks as fast as 1 (≥ 0.95×)',
    'sdk-fastify-50',
    'sdk-fastify',
    0.95,
  );

  const body = [
    `Each server started anew in every round and loaded alone on the server core, ${settings.connections} keep-alive connections ` +
      `(closed loop, at saturation), ${settings.roundSeconds} s per measurement after a ${settings.warmupSeconds} s warm-up of the ` +
      `same endpoint, ${settings.rounds} round(s) in rotating order; median (min–max). Ratios pair the rounds. ` +
      'CPU/req: the server’s CPU time (user + system, from /proc) per request during those runs, median, and its ratio to ' +
      'the baseline’s. Head-to-head: the candidate and its baseline loaded at the same time on the same core (half the ' +
      `connections each) for ${settings.loadSeconds} s after a ${settings.warmupSeconds} s warm-up, ${settings.reps} times, each ` +
      'time a freshly started pair; server CPU µs per request, candidate vs baseline, and their ratio (lower is cheaper), ' +
      'median (min–max) over the pairs.',
    '',
    table(
      [
        'endpoint',
        'req/s',
        'p99 ms',
        '× node:http',
        '× its baseline',
        'µs CPU/req alone',
        'head-to-head µs CPU/req',
      ],
      rows,
    ),
    ...(broken
      ? ['', '⚠ Some responses were not 2xx or sockets failed: those figures are not comparable.']
      : []),
    '',
    'Every probekit answer carries `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`; the bare baselines send only a content type.',
  ].join('\n');
  return {
    title: 'Probe endpoint throughput and p99',
    body,
    targets,
    panels: [
      {
        title: 'Probe endpoint throughput, × bare node:http (median, min–max)',
        unit: '×',
        bars,
        reference: 1,
      },
    ],
  };
}
