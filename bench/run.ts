// `npm run bench`: probekit against bare Node and its peers on this machine, in one run. A full run rewrites
// bench/RESULTS.md, bench/results.svg, the figures quoted in bench/ANALYSIS.md and the README's targets block;
// `-- --quick` (CI's smoke run, under two minutes) and `-- --only=footprint,hostapp` write to bench/out/ instead.
// `-- --node=/path/to/node24,/path/to/node22`: the node binaries the servers and workers run on; targets are judged
// on the first, the others are reported (the sections that carry issue 11's targets run again on each).
// Every run keeps its results in bench/out/results.json; `-- --render` writes the documents again from them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BLACKBOX, type Environment, ROOT } from './candidates.js';
import { renderChart } from './lib/chart.js';
import {
  fillMarkers,
  markerValues,
  type Pass,
  type Run,
  resultsDocument,
  unfilledMarkers,
} from './lib/document.js';
import { closeClients } from './lib/http.js';
import { LOAD_GENERATOR } from './lib/loadgen.js';
import { loadAverage, machine, nodeVersion, versions } from './lib/machine.js';
import { killAll, LOAD_CPU, pinningAvailable, pinSelf, spawnPinned } from './lib/proc.js';
import type { SectionResult } from './lib/report.js';
import { FULL, QUICK, type Settings } from './lib/settings.js';
import { answerBench } from './sections/answer.js';
import { breakdown } from './sections/breakdown.js';
import { checkCost } from './sections/checkcost.js';
import { fleet } from './sections/fleet.js';
import { footprint } from './sections/footprint.js';
import { hostApp } from './sections/hostapp.js';
import { metricsCost } from './sections/metrics.js';
import { options } from './sections/options.js';
import { reaction } from './sections/reaction.js';
import { scale } from './sections/scale.js';
import { throughput } from './sections/throughput.js';

type Section = (settings: Settings, env: Environment) => Promise<SectionResult>;
const SECTIONS: Readonly<Record<string, Section>> = {
  footprint,
  options,
  throughput,
  hostapp: hostApp,
  checkcost: checkCost,
  metrics: metricsCost,
  scale,
  reaction,
  fleet,
  answer: answerBench,
  breakdown,
};
/** What runs again on every further node binary: the sections that carry issue 11's targets. */
const PER_NODE = new Set(['footprint', 'throughput', 'hostapp', 'checkcost']);

const args = process.argv.slice(2);
const settings = args.includes('--quick') ? QUICK : FULL;
const option = (name: string) =>
  args
    .find((arg) => arg.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',')
    .filter(Boolean);
const only = option('only');
const nodes = option('node') ?? [process.execPath];
const known = (arg: string) => ['--quick', '--render'].includes(arg) || /^--(only|node)=/.test(arg);
const unknown = (only ?? []).filter((id) => !(id in SECTIONS));
const absent = nodes.filter((node) => !existsSync(node));
if (unknown.length > 0 || absent.length > 0 || !args.every(known)) {
  if (absent.length > 0) console.error(`no node binary at ${absent.join(', ')}`);
  console.error(
    `usage: npm run bench -- [--quick] [--only=${Object.keys(SECTIONS).join(',')}] [--node=PATH[,PATH…]] [--render]`,
  );
  process.exit(2);
}
const saved = join(ROOT, 'bench/out/results.json');

if (args.includes('--render')) {
  write(JSON.parse(readFileSync(saved, 'utf8')) as Run);
  process.exit(0);
}
if (!existsSync(join(ROOT, 'packages/core/dist/bundle/index.js'))) {
  console.error('packages are not built: run `npm run build` first');
  process.exit(2);
}
pinSelf(LOAD_CPU);
const started = performance.now();
const loadBefore = loadAverage();
// Read before anything is measured: the versions are those of this run, not of the day the document is rendered.
const measured = versions(ROOT, {
  blackbox_exporter: [BLACKBOX],
  'load generator': LOAD_GENERATOR === 'wrk' ? ['wrk', '-v'] : [process.execPath, '--version'],
});
const dir = mkdtempSync(join(os.tmpdir(), 'probekit-bench-'));
const target = spawnPinned(LOAD_CPU, process.execPath, [join(ROOT, 'bench/servers/target.mjs')]);
const targetPort = await target.line((l) => (l.startsWith('listening ') ? Number(l.slice(10)) : undefined));

const passes: Pass[] = [];
let failed = false;
for (const [index, node] of nodes.entries()) {
  const env: Environment = { node, targetPort, dir };
  const version = nodeVersion(node);
  const sections: SectionResult[] = [];
  for (const [id, run] of Object.entries(SECTIONS)) {
    if (only && !only.includes(id)) continue;
    if (index > 0 && !PER_NODE.has(id)) continue;
    const begin = performance.now();
    console.log(`\n## ${id} (Node ${version})`);
    try {
      // A further node binary is reported, not judged: its head-to-heads are the two with targets only.
      const own = index === 0 ? settings : { ...settings, headToHead: ['sidecar', 'sdk-node'] };
      sections.push(await run(own, env));
    } catch (error) {
      failed = true;
      console.error(error);
      sections.push({ title: id, body: `The section failed: ${(error as Error).message}`, targets: [] });
    }
    console.log(`  (${((performance.now() - begin) / 1000).toFixed(1)} s)`);
  }
  passes.push({ node, nodeVersion: version, sections });
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
  versions: measured,
  setup: {
    pinning: pinningAvailable()
      ? `servers and measured workers on CPU 0, the harness, ${LOAD_GENERATOR} and the open-loop generator on CPU 1 (taskset)`
      : 'none (taskset missing)',
    'load generator (closed loop)': LOAD_GENERATOR,
  },
  passes,
};
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(saved, `${JSON.stringify(record, null, 1)}\n`);
write(record);
console.log(`  in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);

/**
 * Writes RESULTS.md and results.svg: into bench/ for a complete full run, which also fills the markers of
 * ANALYSIS.md and README.md; into bench/out/ otherwise (with ANALYSIS.md's markers filled in the copy only).
 */
function write(run: Run): void {
  const outDir = run.publish ? join(ROOT, 'bench') : join(ROOT, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  const values = markerValues(run);
  const analysisPath = join(ROOT, 'bench/ANALYSIS.md');
  const source = existsSync(analysisPath) ? readFileSync(analysisPath, 'utf8') : '';
  const unfilled = unfilledMarkers(source, values);
  if (unfilled.length > 0)
    console.warn(`ANALYSIS.md quotes figures this run has not: ${unfilled.join(', ')}`);
  const analysis = fillMarkers(source, values);
  if (run.publish) {
    writeFileSync(analysisPath, analysis);
    const readme = join(ROOT, 'README.md');
    writeFileSync(readme, fillMarkers(readFileSync(readme, 'utf8'), values));
    console.log('\nfilled the figures of bench/ANALYSIS.md and the targets block of README.md');
  }
  const panels = run.passes[0]?.sections.flatMap((section) => section.panels ?? []) ?? [];
  writeFileSync(join(outDir, 'results.svg'), renderChart(panels));
  writeFileSync(join(outDir, 'RESULTS.md'), resultsDocument(run, analysis.trim()));
  console.log(`wrote ${join(outDir, 'RESULTS.md')}`);
}
