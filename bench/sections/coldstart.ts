// Section 2: cold start (spawn → first 200) and RSS after 1 s idle, each server alone on the server core.
import { type Environment, type Server, server } from '../candidates.js';
import { until } from '../lib/http.js';
import { cpuTimes, freePort, rssKiB, SERVER_CPU, sleep, spawnPinned, tail } from '../lib/proc.js';
import { type SectionResult, type TargetRow, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmtSpread, ratioOf, spread } from '../lib/stats.js';

const CANDIDATES = ['fastify', 'sidecar', 'lightship', 'blackbox', 'node'];

interface Sample {
  readonly startMs: number;
  /** CPU time the process used until its first 200: unlike the wall time, other load on the machine hardly moves it. */
  readonly cpuMs: number;
  readonly rssMiB: number;
}

export async function coldStart(settings: Settings, env: Environment): Promise<SectionResult> {
  const samples = new Map<string, Sample[]>(CANDIDATES.map((id) => [id, []]));
  const reasons = new Map<string, string>();
  for (const id of CANDIDATES) {
    const reason = await server(id).missing();
    if (reason) reasons.set(id, reason);
  }
  for (let rep = 0; rep < settings.coldStartReps; rep++) {
    for (const id of CANDIDATES) {
      if (reasons.has(id)) continue;
      try {
        const sample = await startOnce(server(id), env, settings.idleMs);
        samples.get(id)!.push(sample);
        console.log(
          `  ${id}: ${sample.startMs.toFixed(0)} ms to first 200, ${sample.rssMiB.toFixed(1)} MiB idle`,
        );
      } catch (error) {
        console.error(`  ${id} failed: ${(error as Error).message}`);
        reasons.set(id, 'failed to start');
      }
    }
  }

  const starts = (id: string) => samples.get(id)!.map((s) => s.startMs);
  const rss = (id: string) => samples.get(id)!.map((s) => s.rssMiB);
  const cpu = (id: string) => samples.get(id)!.map((s) => s.cpuMs);
  const rows = CANDIDATES.map((id) => {
    const s = server(id);
    const reason = reasons.get(id);
    if (reason) return [s.label, unavailable(reason), '', '', '', '', ''];
    return [
      `${s.label} (\`${s.startedPath}\`)`,
      fmtSpread(spread(starts(id))),
      fmtSpread(spread(cpu(id))),
      fmtSpread(spread(rss(id)), 1),
      fmtSpread(ratioOf(starts(id), starts('fastify')), 2),
      fmtSpread(ratioOf(cpu(id), cpu('fastify')), 2),
      fmtSpread(ratioOf(rss(id), rss('fastify')), 2),
    ];
  });
  const targets: TargetRow[] = [];
  const sidecarReason = reasons.get('sidecar') ?? reasons.get('fastify');
  if (sidecarReason) {
    targets.push({
      goal: 'Sidecar cold start ≤ 1.2× bare fastify',
      figure: unavailable(sidecarReason),
      met: undefined,
    });
    targets.push({
      goal: 'Sidecar idle RSS (10 checks) ≤ 1.1× bare fastify',
      figure: unavailable(sidecarReason),
      met: undefined,
    });
  } else {
    const start = ratioOf(starts('sidecar'), starts('fastify'));
    const startCpu = ratioOf(cpu('sidecar'), cpu('fastify'));
    const memory = ratioOf(rss('sidecar'), rss('fastify'));
    targets.push({
      goal: 'Sidecar cold start ≤ 1.2× bare fastify',
      figure: `×${fmtSpread(start, 2)} wall time`,
      met: start.median <= 1.2,
    });
    targets.push({
      goal: 'Sidecar cold start ≤ 1.2× bare fastify — CPU time until the first 200',
      figure: `×${fmtSpread(startCpu, 2)}`,
      met: startCpu.median <= 1.2,
    });
    targets.push({
      goal: 'Sidecar idle RSS (10 checks) ≤ 1.1× bare fastify',
      figure: `×${fmtSpread(memory, 2)}`,
      met: memory.median <= 1.1,
    });
  }
  const body = [
    `${settings.coldStartReps} start(s) of each, in turn; time from spawn to the first 200 on the path shown (polled every 2 ms ` +
      `from the other core), then RSS after ${settings.idleMs} ms idle. The sidecar runs 10 TCP checks; its \`/livez\` has none, so it answers as ` +
      'soon as the server serves (its `/readyz` waits for the first runs, spread by up to 1 s of jitter by design).',
    '',
    table(
      [
        'server',
        'start → first 200, ms',
        'CPU ms until then',
        'idle RSS, MiB',
        'start × fastify',
        'CPU × fastify',
        'RSS × fastify',
      ],
      rows,
    ),
  ].join('\n');
  return { title: 'Cold start and idle RSS', body, targets };
}

async function startOnce(candidate: Server, env: Environment, idleMs: number): Promise<Sample> {
  const port = await freePort();
  const { file, args } = candidate.command(port, env);
  const url = `http://127.0.0.1:${port}${candidate.startedPath}`;
  const begin = performance.now();
  const spawned = spawnPinned(SERVER_CPU, file, args, { env: { ...process.env, NODE_ENV: 'production' } });
  try {
    const ready = await until(url, 200, { intervalMs: 2, timeoutMs: 15_000 });
    const cpuMs = cpuTimes(spawned.pid).self;
    await sleep(idleMs);
    return { startMs: ready - begin, cpuMs, rssMiB: rssKiB(spawned.pid) / 1024 };
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${tail(spawned.output())}`);
  } finally {
    await spawned.kill();
  }
}
