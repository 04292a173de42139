// Issue 11, "ways that may pay", measured in the same run against the same bare node:http server: the sidecar as
// built (each package's entry points bundled, scripts/bundle.mjs), tsc's per-file output it replaced, one file with
// the dependencies inlined too, node's compile cache warmed (NODE_COMPILE_CACHE), both, and a smaller young
// generation (--max-semi-space-size=1, set in the image). Each is the sidecar of the footprint section (10 checks, YAML).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Command,
  type Environment,
  ROOT,
  type Server,
  SIDECAR_CLI,
  server,
  sidecarServer,
} from '../candidates.js';
import { headToHead } from '../lib/headtohead.js';
import { until } from '../lib/http.js';
import { freePort, SERVER_CPU, spawnPinned } from '../lib/proc.js';
import { type SectionResult, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { residentSizes, type Start, startOnce } from '../lib/start.js';
import { fmt, fmtSpread, ratioOf, spread } from '../lib/stats.js';

const ESBUILD = join(ROOT, 'node_modules/.bin/esbuild');
const OUT = join(ROOT, 'bench/out/options');
const BUNDLE = join(OUT, 'probekit.mjs');
/** tsc's per-file output, which the packages loaded before their entry points were bundled. */
const UNBUNDLED_CLI = join(ROOT, 'packages/sidecar/dist/cli.js');
const MB = 1e6;

interface Variant {
  readonly server: Server;
  readonly what: string;
  /** Run once before anything is measured (fills a compile cache); undefined when there is nothing to prepare. */
  readonly prepare?: (env: Environment) => Promise<void>;
}

/** The 10-check sidecar with its command changed by `change`. */
function variant(id: string, label: string, change: (command: Command) => Command): Server {
  const base = sidecarServer(10);
  return { ...base, id, label, command: (port, env) => change(base.command(port, env)) };
}

const withCache =
  (dir: string) =>
  (command: Command): Command => ({
    ...command,
    env: { ...command.env, NODE_COMPILE_CACHE: dir },
  });
const bundled = (command: Command): Command => ({
  ...command,
  args: command.args.map((arg) => (arg === SIDECAR_CLI ? BUNDLE : arg)),
});

function variants(): Variant[] {
  const cache = join(OUT, 'cache-dist');
  const bundleCache = join(OUT, 'cache-bundle');
  const warm = (s: Server) => (env: Environment) => warmCache(s, env);
  const cached = variant('cache', 'compile cache warmed', withCache(cache));
  const bundledCached = variant('bundle-cache', 'bundle + compile cache', (c) =>
    withCache(bundleCache)(bundled(c)),
  );
  const unbundled = (command: Command): Command => ({
    ...command,
    args: command.args.map((arg) => (arg === SIDECAR_CLI ? UNBUNDLED_CLI : arg)),
  });
  return [
    {
      server: variant('dist', 'as built (per-package bundles, `dist/bundle/cli.js`)', (c) => c),
      what: 'today’s start',
    },
    {
      server: variant('unbundled', 'unbundled (tsc’s per-file `dist/cli.js`)', unbundled),
      what: 'the start before bundling',
    },
    {
      server: variant('bundle', 'one file, prom-client inlined too', bundled),
      what: 'prom-client’s module loading (yaml stays a lazy require)',
    },
    { server: cached, what: 'compilation', prepare: warm(cached) },
    { server: bundledCached, what: 'both', prepare: warm(bundledCached) },
    {
      server: variant('semi1', '`--max-semi-space-size=1` (the image’s `NODE_OPTIONS`)', (c) => ({
        ...c,
        args: ['--max-semi-space-size=1', ...c.args],
      })),
      what: 'young-generation memory',
    },
  ];
}

export async function options(settings: Settings, env: Environment): Promise<SectionResult> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const bundleReason = buildBundle();
  const list = variants().filter((v) => !(bundleReason && v.server.id.startsWith('bundle')));
  const reasons = new Map<string, string>();
  for (const v of list) {
    try {
      await v.prepare?.(env);
    } catch (error) {
      reasons.set(v.server.id, `could not prepare: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const measured = list.filter((v) => !reasons.has(v.server.id));
  const node = server('node');
  const starts = new Map<string, Start[]>([
    [node.id, []],
    ...measured.map((v) => [v.server.id, []] as [string, Start[]]),
  ]);
  const rss = new Map<string, number[]>([...starts.keys()].map((id) => [id, []]));
  const all = [node, ...measured.map((v) => v.server)];
  for (let rep = 0; rep < settings.coldStartReps; rep++) {
    for (const s of all.map((_, i) => all[(i + rep) % all.length] as Server)) {
      try {
        starts.get(s.id)!.push(await startOnce(s, env, s === node ? undefined : '/readyz'));
      } catch (error) {
        console.error(`  ${s.id} failed: ${(error as Error).message}`);
      }
    }
  }
  for (let rep = 0; rep < settings.rssReps; rep++) {
    try {
      for (const [id, kib] of await residentSizes(all, env, settings.idleMs))
        rss.get(id)!.push((kib * 1024) / MB);
    } catch (error) {
      console.error(`  RSS round failed: ${(error as Error).message}`);
    }
  }
  // A smaller young generation means more scavenges: what it costs per probe answer, against the sidecar as built.
  const semi = measured.find((v) => v.server.id === 'semi1');
  const dist = measured.find((v) => v.server.id === 'dist');
  const semiPairs =
    semi && dist
      ? await headToHead(
          { server: semi.server, path: '/readyz' },
          { server: dist.server, path: '/readyz' },
          env,
          settings,
        )
      : { reason: 'not measured' };
  const semiCpu = Array.isArray(semiPairs)
    ? spread(semiPairs.map((p) => p.candidateUs / p.baselineUs))
    : undefined;
  const of = (id: string, pick: (s: Start) => number) => starts.get(id)!.map(pick);
  const figures: Record<string, string> = {};
  const rows = list.map((v) => {
    const { id } = v.server;
    const reason = id.startsWith('bundle') ? (bundleReason ?? reasons.get(id)) : reasons.get(id);
    if (reason) return [v.server.label, v.what, unavailable(reason), '', '', '', ''];
    const livez = ratioOf(
      of(id, (s) => s.startMs),
      of(node.id, (s) => s.startMs),
    );
    const cpu = spread(of(id, (s) => s.cpuMs));
    const ready = spread(of(id, (s) => s.readyMs ?? Number.NaN));
    const memory = ratioOf(rss.get(id)!, rss.get(node.id)!);
    figures[`option-${id}-livez`] = `×${fmtSpread(livez, 2)}`;
    figures[`option-${id}-cpu`] = `${fmtSpread(cpu)} ms`;
    figures[`option-${id}-rss`] = `${fmtSpread(spread(rss.get(id)!), 1)} MB (×${fmtSpread(memory, 2)})`;
    console.log(
      `  ${id}: /livez ×${fmt(livez.median, 2)}, CPU ${fmt(cpu.median)} ms, RSS ×${fmt(memory.median, 2)}`,
    );
    return [
      v.server.label,
      v.what,
      `×${fmtSpread(livez, 2)}`,
      fmtSpread(cpu),
      fmtSpread(ready),
      fmtSpread(spread(rss.get(id)!), 1),
      `×${fmtSpread(memory, 2)}`,
    ];
  });
  const nodeCpu = spread(of(node.id, (s) => s.cpuMs));
  figures['option-semi1-probe-cpu'] = semiCpu ? `×${fmtSpread(semiCpu, 3)}` : unavailable('not measured');
  figures['option-node-cpu'] = `${fmtSpread(nodeCpu)} ms`;
  const body = [
    `The sidecar of the footprint section (10 checks, YAML) started ${settings.coldStartReps} time(s) each way, one at a time in ` +
      'rotating order with the bare node:http server among them; RSS read as in the footprint section. As built, each ' +
      'package’s entry points are bundled by `scripts/bundle.mjs` (other packages stay imports); the one-file variant is ' +
      '`esbuild --bundle --platform=node --format=esm` of the CLI with every dependency inlined, built by the run; the compile cache is node’s own ' +
      `(\`NODE_COMPILE_CACHE\`), filled by one start and stop before measuring. The bare node:http server used ${fmtSpread(nodeCpu)} ms of CPU until its first 200.`,
    '',
    table(
      [
        'sidecar',
        'what changes',
        'spawn → `/livez` × node:http',
        'CPU ms until `/livez`',
        'spawn → `/readyz` ms',
        `RSS at ${settings.idleMs / 1000} s, MB`,
        'RSS × node:http',
      ],
      rows,
    ),
    '',
    `\`--max-semi-space-size=1\` against the sidecar as built, head-to-head on one core (as in the throughput section), CPU ` +
      `per \`/readyz\` answer: ${figures['option-semi1-probe-cpu']}.`,
  ].join('\n');
  return { title: 'Ways that may pay: bundles, compile cache, heap flags', body, targets: [], figures };
}

/** Bundles the CLI into one file; the reason when that cannot be done here. */
function buildBundle(): string | undefined {
  if (!existsSync(ESBUILD)) return 'esbuild not installed';
  try {
    execFileSync(
      ESBUILD,
      [
        SIDECAR_CLI,
        '--bundle',
        '--platform=node',
        '--format=esm',
        '--target=node22',
        `--outfile=${BUNDLE}`,
        '--log-level=error',
        // CommonJS dependencies require node's builtins: an ESM bundle needs a real `require` for them.
        "--banner:js=import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return undefined;
  } catch (error) {
    return `bundle failed: ${String((error as { stderr?: Buffer }).stderr ?? error).split('\n')[0]}`;
  }
}

/** One start until every check passed, then SIGTERM with no shutdown delay: node writes its compile cache at exit. */
async function warmCache(s: Server, env: Environment): Promise<void> {
  const port = await freePort();
  const { file, args, env: vars } = s.command(port, env);
  const spawned = spawnPinned(SERVER_CPU, file, [...args, '--shutdown-delay', '0s'], {
    env: { ...process.env, NODE_ENV: 'production', ...vars },
  });
  try {
    await until(`http://127.0.0.1:${port}/readyz`, 200, { timeoutMs: 20_000 });
    const exited = new Promise((resolve) => spawned.child.once('exit', resolve));
    spawned.child.kill('SIGTERM');
    await exited;
  } finally {
    await spawned.kill();
  }
}
