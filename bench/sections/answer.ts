// Section 6 (issue 2): answer() from a snapshot of 20 checks, answers per second on one core.
import { join } from 'node:path';
import { type Environment, ROOT } from '../candidates.js';
import { SERVER_CPU, spawnPinned, tail } from '../lib/proc.js';
import { type SectionResult, type TargetRow, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmtSpread, spread } from '../lib/stats.js';

const VARIANTS: readonly [string, string][] = [
  ['plain', '`GET /readyz`'],
  ['verbose', '`GET /readyz?verbose`'],
  ['json', '`GET /readyz`, `Accept: application/health+json`'],
];

export async function answerBench(settings: Settings, env: Environment): Promise<SectionResult> {
  const reps = settings.quick ? 1 : Math.max(3, settings.reps);
  const worker = spawnPinned(
    SERVER_CPU,
    env.node,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench/workers/answer-bench.ts'),
      JSON.stringify({ ms: settings.microMs, reps }),
    ],
    { cwd: ROOT },
  );
  let results: Record<string, number[]> | undefined;
  try {
    results = await worker.line(
      (l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, number[]>) : undefined),
      120_000,
    );
  } catch (error) {
    console.error(`  answer() benchmark failed: ${(error as Error).message}\n${tail(worker.output())}`);
  } finally {
    await worker.kill();
  }
  const cell = (key: string) => (results?.[key] ? fmtSpread(spread(results[key])) : unavailable('failed'));
  const rows = VARIANTS.map(([id, label]) => [label, cell(`cached-${id}`), cell(`render-${id}`)]);
  for (const [id] of VARIANTS)
    console.log(`  ${id}: cached ${cell(`cached-${id}`)}, re-render ${cell(`render-${id}`)} answers/s`);
  const targets: TargetRow[] = [];
  const goal = '`answer()` ≥ 1,000,000 answers/s on one core, 20 checks';
  // The re-render first: it is the renderer itself (the first answer after every change); a cached answer is a lookup.
  for (const [id, label] of [
    ['render-plain', 're-rendered per snapshot, the renderer itself'],
    ['cached-plain', 'cached'],
  ] as const) {
    const values = results?.[id];
    const row = { id: `answer-${id}`, goal: `${goal} (${label}, plain)` };
    if (!values) targets.push({ ...row, figure: unavailable('failed'), met: undefined });
    else {
      const s = spread(values);
      targets.push({ ...row, figure: `${fmtSpread(s)}/s`, met: s.median >= 1_000_000 });
    }
  }
  const body = [
    `A worker on the server core: 20 passing checks, ${reps} measurements of ${settings.microMs} ms per variant after a warm-up. ` +
      '"Cached": the same snapshot every time (every probe request between two state changes). "Re-rendered": a new snapshot ' +
      'object for every answer, so nothing is cached (the first request after each change pays this once).',
    '',
    table(['request', 'cached, answers/s', 're-rendered, answers/s'], rows),
  ].join('\n');
  return { title: '`answer()` microbenchmark', body, targets };
}
