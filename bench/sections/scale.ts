// Section 4: n TCP checks at periodSeconds 1 in one Engine on one core: CPU share, start-time drift, memory per
// check, and /readyz answer latency from the other core while they run.
import { join } from 'node:path';
import { type Environment, ROOT } from '../candidates.js';
import { get } from '../lib/http.js';
import { LOAD_CPU, sleep, spawnPinned } from '../lib/proc.js';
import { type SectionResult, type TargetRow, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmt, percentile } from '../lib/stats.js';
import { type LoadResult, runWorker } from '../lib/worker.js';

/** Answer-latency requests per second sent while the checks run (kubelet-like traffic, not load). */
const POLL_RATE = 50;

interface Point {
  readonly n: number;
  readonly result?: LoadResult;
  readonly latencies: number[];
  readonly non200: number;
  readonly reason?: string;
}

export async function scale(settings: Settings, env: Environment): Promise<SectionResult> {
  const target = spawnPinned(LOAD_CPU, process.execPath, [join(ROOT, 'bench/servers/tcp-target.mjs')]);
  const targetPort = await target.line((l) => (l.startsWith('listening ') ? Number(l.slice(10)) : undefined));
  const points: Point[] = [];
  for (const n of settings.scaleCounts) {
    const latencies: number[] = [];
    let non200 = 0;
    try {
      const result = await runWorker(
        env.node,
        {
          mode: 'engine',
          kind: 'tcp',
          n,
          periodSeconds: 1,
          warmupMs: settings.scaleWarmupMs,
          windowMs: settings.scaleWindowMs,
          host: '127.0.0.1',
          port: targetPort,
          command: [],
          serve: true,
        },
        async (port, windowMs) => {
          const end = performance.now() + windowMs - 100;
          while (performance.now() < end) {
            const answer = await get(`http://127.0.0.1:${port}/readyz`, { keepAlive: true });
            latencies.push(answer.ms);
            if (answer.status !== 200) non200++;
            await sleep(1000 / POLL_RATE);
          }
        },
      );
      points.push({ n, result, latencies, non200 });
      console.log(
        `  ${n} checks: ${((100 * result.cpuMs) / result.wallMs).toFixed(1)}% CPU, drift p99 ${result.lateP99Ms.toFixed(1)} ms, ` +
          `answer p99 ${percentile(latencies, 99).toFixed(2)} ms`,
      );
    } catch (error) {
      console.error(`  ${n} checks failed: ${(error as Error).message}`);
      points.push({ n, latencies, non200, reason: 'failed' });
    }
  }

  target.child.stdin?.end();
  await target.kill();
  const rows = points.map((p) => {
    const r = p.result;
    if (!r) return [fmt(p.n), unavailable(p.reason ?? ''), '', '', '', '', '', ''];
    return [
      fmt(p.n),
      fmt(r.runs / (r.wallMs / 1000)),
      `${fmt((100 * r.cpuMs) / r.wallMs, 1)}%`,
      fmt((r.cpuMs * 1000) / r.runs, 1),
      `${fmt(r.lateP50Ms, 2)} / ${fmt(r.lateP99Ms, 2)} / ${fmt(r.lateMaxMs, 1)}`,
      `${fmt(((r.rssAfterKiB - r.rssBeforeKiB) * 1024) / p.n, 0)} / ${fmt((r.heapAfterBytes - r.heapBeforeBytes) / p.n, 0)}`,
      `${fmt(percentile(p.latencies, 50), 2)} / ${fmt(percentile(p.latencies, 99), 2)}`,
      r.failures + p.non200 > 0
        ? `⚠ ${r.failures} failed runs, ${p.non200} non-200: ${r.firstFailure ?? ''}`
        : '',
    ];
  });
  const thousand = points.find((p) => p.n === 1000);
  const targets: TargetRow[] = [];
  const r = thousand?.result;
  if (!r) {
    const reason = thousand ? (thousand.reason ?? 'failed') : 'not in this run';
    targets.push({
      id: 'scale-cpu',
      goal: '1,000 TCP checks at 1 s: < 25% of one core',
      figure: unavailable(reason),
      met: undefined,
    });
    targets.push({
      id: 'scale-drift',
      goal: '1,000 TCP checks at 1 s: drift p99 < 20 ms',
      figure: unavailable(reason),
      met: undefined,
    });
  } else {
    const share = (100 * r.cpuMs) / r.wallMs;
    targets.push({
      id: 'scale-cpu',
      goal: '1,000 TCP checks at 1 s: < 25% of one core',
      figure: `${fmt(share, 1)}%`,
      met: share < 25,
    });
    targets.push({
      id: 'scale-drift',
      goal: '1,000 TCP checks at 1 s: drift p99 < 20 ms',
      figure: `${fmt(r.lateP99Ms, 2)} ms`,
      met: r.lateP99Ms < 20,
    });
  }
  const body = [
    `One Engine in a worker on the server core, n TCP checks (\`periodSeconds: 1\`, default \`maxConcurrentRuns\` 32) against ` +
      `a server on the other core that accepts and closes; ${settings.scaleWarmupMs} ms warm-up, then a ${settings.scaleWindowMs} ms window. Drift is the ` +
      "engine's `lateMs` (how late each run started against its schedule). Memory per check: RSS and heap growth after a GC, " +
      `divided by n. Answer latency: \`GET /readyz\` from the other core ${POLL_RATE} times a second over keep-alive, served by ` +
      'node:http with `answer()` in the same worker.',
    '',
    table(
      [
        'checks',
        'runs/s',
        'CPU (one core)',
        'CPU µs/run',
        'drift ms p50 / p99 / max',
        'bytes per check RSS / heap',
        'answer ms p50 / p99',
        '',
      ],
      rows,
    ),
  ].join('\n');
  return { title: 'Scale: many TCP checks on one core', body, targets };
}
