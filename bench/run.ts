// `npm run bench`: probekit against its peers on this machine, in one run. The full run rewrites bench/RESULTS.md
// and bench/results.svg; `-- --quick` (CI's smoke run, under a minute) writes to bench/out/ instead.
// `-- --only=throughput,scale` runs some sections (its output goes to bench/out/ as well). Every run also keeps its
// results in bench/out/results.json; `-- --render` writes the document again from them (after editing ANALYSIS.md).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BLACKBOX, type Environment, ROOT } from './candidates.js';
import { renderChart } from './lib/chart.js';
import { closeClients } from './lib/http.js';
import { LOAD_GENERATOR } from './lib/loadgen.js';
import { loadAverage, type Machine, machine, packageVersion, toolVersion } from './lib/machine.js';
import { killAll, LOAD_CPU, pinningAvailable, pinSelf, spawnPinned } from './lib/proc.js';
import { mark, type SectionResult, table } from './lib/report.js';
import { FULL, QUICK, type Settings } from './lib/settings.js';
import { answerBench } from './sections/answer.js';
import { breakdown } from './sections/breakdown.js';
import { checkCost } from './sections/checkcost.js';
import { coldStart } from './sections/coldstart.js';
import { reaction } from './sections/reaction.js';
import { scale } from './sections/scale.js';
import { throughput } from './sections/throughput.js';

type Section = (settings: Settings, env: Environment) => Promise<SectionResult>;
const SECTIONS: Readonly<Record<string, Section>> = {
  throughput,
  coldstart: coldStart,
  checkcost: checkCost,
  scale,
  reaction,
  answer: answerBench,
  breakdown,
};

/** Everything the document is made of, kept in bench/out/results.json so that `--render` can redo it. */
interface Run {
  readonly quick: boolean;
  readonly publish: boolean;
  readonly machine: Machine;
  readonly load: { readonly before: string; readonly after: string };
  readonly sections: readonly SectionResult[];
}

const args = process.argv.slice(2);
const settings = args.includes('--quick') ? QUICK : FULL;
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = (only ?? []).filter((id) => !(id in SECTIONS));
const known = (arg: string) => arg === '--quick' || arg === '--render' || arg.startsWith('--only=');
if (unknown.length > 0 || !args.every(known)) {
  console.error(`usage: npm run bench -- [--quick] [--only=${Object.keys(SECTIONS).join(',')}] [--render]`);
  process.exit(2);
}
const saved = join(ROOT, 'bench/out/results.json');

if (args.includes('--render')) {
  write(JSON.parse(readFileSync(saved, 'utf8')) as Run);
  process.exit(0);
}
if (!existsSync(join(ROOT, 'packages/core/dist/index.js'))) {
  console.error('packages are not built: run `npx tsc -b` (or `npm run build`) first');
  process.exit(2);
}
pinSelf(LOAD_CPU);
const started = performance.now();
const loadBefore = loadAverage();
const dir = mkdtempSync(join(os.tmpdir(), 'probekit-bench-'));
const target = spawnPinned(LOAD_CPU, process.execPath, [join(ROOT, 'bench/servers/target.mjs')]);
const targetPort = await target.line((l) => (l.startsWith('listening ') ? Number(l.slice(10)) : undefined));
const env: Environment = { targetPort, dir };

const results: SectionResult[] = [];
let failed = false;
for (const [id, run] of Object.entries(SECTIONS)) {
  if (only && !only.includes(id)) continue;
  const begin = performance.now();
  console.log(`\n## ${id}`);
  try {
    results.push(await run(settings, env));
  } catch (error) {
    failed = true;
    console.error(error);
    results.push({ title: id, body: `The section failed: ${(error as Error).message}`, targets: [] });
  }
  console.log(`  (${((performance.now() - begin) / 1000).toFixed(1)} s)`);
}
target.child.stdin?.end();
killAll();
closeClients();
rmSync(dir, { recursive: true, force: true });

const record: Run = {
  quick: settings.quick,
  publish: !settings.quick && only === undefined,
  machine: machine(),
  load: { before: loadBefore, after: loadAverage() },
  sections: results,
};
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(saved, `${JSON.stringify(record, null, 1)}\n`);
write(record);
console.log(`  in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);

/** Writes RESULTS.md and results.svg: into bench/ for a complete full run, bench/out/ otherwise. */
function write(run: Run): void {
  const outDir = run.publish ? join(ROOT, 'bench') : join(ROOT, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'results.svg'),
    renderChart(run.sections.flatMap((section) => section.panels ?? [])),
  );
  writeFileSync(join(outDir, 'RESULTS.md'), document(run));
  console.log(`\nwrote ${join(outDir, 'RESULTS.md')}`);
}

function document(run: Run): string {
  const { machine: m, sections } = run;
  const targets = sections.flatMap((s) => s.targets);
  const analysisPath = join(ROOT, 'bench/ANALYSIS.md');
  const analysis = existsSync(analysisPath) ? readFileSync(analysisPath, 'utf8').trim() : '';
  return [
    '# probekit benchmarks',
    '',
    `Generated by \`npm run bench${run.quick ? ' -- --quick' : ''}\` on ${m.date}. ` +
      (run.quick ? '**Quick smoke run: the figures are not meaningful.** ' : '') +
      'Every figure is a ratio to a baseline measured in the same run on the same machine; absolute numbers ' +
      'differ between machines, ratios much less.',
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB`],
        ['kernel', m.kernel],
        ['Node.js', m.node],
        [
          'pinning',
          pinningAvailable()
            ? `servers and measured workers on CPU 0, the harness and ${LOAD_GENERATOR} on CPU 1 (taskset)`
            : 'none (taskset missing)',
        ],
        ['load average before / after', `${run.load.before} / ${run.load.after}`],
      ],
    ),
    '',
    '## Versions',
    '',
    table(
      ['component', 'version'],
      [
        [
          '@probekit/core / sdk / sidecar',
          ['core', 'sdk', 'sidecar'].map((p) => packageVersion(`@probekit/${p}`)).join(' / '),
        ],
        ['fastify', packageVersion('fastify')],
        ['express', packageVersion('express')],
        ['lightship (bundles its own fastify 4)', packageVersion('lightship')],
        ['@godaddy/terminus', packageVersion('@godaddy/terminus')],
        ['blackbox_exporter', toolVersion(BLACKBOX)],
        [
          'load generator',
          LOAD_GENERATOR === 'wrk' ? toolVersion('wrk', '-v') : `autocannon ${packageVersion('autocannon')}`,
        ],
      ],
    ),
    '',
    '## Targets',
    '',
    table(
      ['target', 'measured', ''],
      targets.map((t) => [t.goal, t.figure, mark(t.met)]),
    ),
    '',
    '![throughput and per-check cost against the peers](results.svg)',
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.body, '']),
    ...(analysis ? [analysis, ''] : []),
    '## Reproduce',
    '',
    '```sh',
    'apt-get install wrk prometheus-blackbox-exporter   # Debian; taskset is in util-linux',
    'npm ci                                             # builds the packages',
    'npm run bench                                      # 10–20 min; rewrites bench/RESULTS.md and bench/results.svg',
    'npm run bench -- --quick                           # under a minute; writes bench/out/',
    '```',
    '',
    '@nestjs/terminus is not measured: it needs a Nest application (`@nestjs/core`, `@nestjs/common`, a platform adapter, ' +
      'reflect-metadata and RxJS), a harness larger than the thing measured; it runs its indicators on every request, like terminus.',
    '',
  ].join('\n');
}
