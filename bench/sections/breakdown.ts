// Where the cost goes, measured in the same run: the ingredients of a fastify probe answer priced head-to-head
// against the bare route, the parts of an exec check, and the start-up price of each dependency.
import { join } from 'node:path';
import type { Environment, Server } from '../candidates.js';
import { ROOT } from '../candidates.js';
import { headToHead } from '../lib/headtohead.js';
import { SERVER_CPU, spawnPinned, tail } from '../lib/proc.js';
import { type SectionResult, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmtSpread, spread } from '../lib/stats.js';

const VARIANTS: readonly [string, string][] = [
  ['limits', 'the sidecar’s `SERVER_LIMITS` (timeouts, header and body size)'],
  ['headers', 'the answer’s headers (`no-store`, `nosniff`, content type) through `reply.headers()`'],
  ['buffer', 'the body as a `Buffer` (as the sidecar sends it)'],
  ['answer', 'core’s `answer()` called on the request path (cached snapshot)'],
  ['raw', 'the same headers precomputed, written by `reply.hijack()` + `res.writeHead()`'],
];

const DEPENDENCIES = [
  'node:http',
  'fastify',
  '@probekit/core',
  'prom-client',
  'ajv',
  'yaml',
  '@probekit/sidecar',
];

export async function breakdown(settings: Settings, env: Environment): Promise<SectionResult> {
  const [answerRows, execRows, importRows] = [
    await answerParts(settings, env),
    await execParts(settings, env),
    await imports(settings, env),
  ];
  const body = [
    '### A fastify probe answer, ingredient by ingredient',
    '',
    'Bare fastify `ok` plus one ingredient, head-to-head with the bare route (fresh processes, as in the throughput ' +
      'section); server CPU per request, ratio to the bare route. The ingredients add up to roughly what the sidecar and the ' +
      'SDK plugin pay over a bare route.',
    '',
    table(['ingredient', 'CPU/request × bare fastify'], answerRows),
    '',
    '### An exec check, part by part',
    '',
    'Sequential spawns of `true` in one process on the server core; CPU time of that process per spawn (the command’s own ' +
      'CPU is not included).',
    '',
    table(['spawn', 'CPU µs per spawn'], execRows),
    '',
    '### Start-up price of each dependency',
    '',
    'Each imported alone (an ESM `import()`) into a fresh `node` on the server core (median of 3): time to import and RSS ' +
      'growth. Not additive: packages share node’s own modules and each other. `node:http` is the price of importing a ' +
      'builtin from ESM on Node 22+ (its facade reads every export, and a lazy getter loads undici, tls and http2); a ' +
      '`require()` of it costs a few ms.',
    '',
    table(['import', 'ms', 'RSS MiB'], importRows),
  ].join('\n');
  return { title: 'Where the cost goes', body, targets: [], figures };
}

async function answerParts(settings: Settings, env: Environment): Promise<string[][]> {
  const fixture = (id: string, script: string, ...args: string[]): Server => ({
    id,
    label: id,
    group: 'baseline',
    startedPath: '/ok',
    missing: async () => undefined,
    command: (port) => ({
      file: env.node,
      args: [join(ROOT, 'bench/servers', script), String(port), ...args],
    }),
  });
  const bare = { server: fixture('fastify', 'fastify-ok.mjs'), path: '/ok' };
  const rows: string[][] = [];
  // The smoke run prices two ingredients: the code path is the same for all.
  for (const [id, label] of settings.quick ? VARIANTS.slice(-2) : VARIANTS) {
    const pairs = await headToHead(
      { server: fixture(id, 'fastify-variant.mjs', id), path: '/ok' },
      bare,
      env,
      settings,
    );
    if (!Array.isArray(pairs)) {
      rows.push([label, unavailable(pairs.reason)]);
      continue;
    }
    const ratios = pairs.map((pair) => pair.candidateUs / pair.baselineUs);
    console.log(`  fastify + ${id}: ×${ratios.map((r) => r.toFixed(3)).join(', ×')} CPU/request`);
    rows.push([label, `×${fmtSpread(spread(ratios), 3)}`]);
  }
  return rows;
}

async function execParts(settings: Settings, env: Environment): Promise<string[][]> {
  const spec = { count: settings.quick ? 20 : 200, reps: settings.reps };
  const worker = spawnPinned(
    SERVER_CPU,
    env.node,
    ['--import', 'tsx', join(ROOT, 'bench/workers/spawn-cost.ts'), JSON.stringify(spec)],
    { cwd: ROOT },
  );
  try {
    const results = await worker.line(
      (l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, number[]>) : undefined),
      120_000,
    );
    return Object.entries(results).map(([name, values]) => [name, fmtSpread(spread(values))]);
  } catch (error) {
    console.error(`  spawn cost failed: ${(error as Error).message}\n${tail(worker.output())}`);
    return [['spawn cost', unavailable('failed')]];
  } finally {
    await worker.kill();
  }
}

/** `import-<specifier>` (`import-node-http`, `import-prom-client`): each one's start-up price, quoted by ANALYSIS.md. */
const figures: Record<string, string> = {};

async function imports(settings: Settings, env: Environment): Promise<string[][]> {
  const rows: string[][] = [];
  const script = join(ROOT, 'bench/workers/import-cost.mjs');
  for (const specifier of DEPENDENCIES) {
    const ms: number[] = [];
    const rss: number[] = [];
    for (let rep = 0; rep < (settings.quick ? 1 : 3); rep++) {
      const child = spawnPinned(SERVER_CPU, env.node, [script, specifier], {
        cwd: join(ROOT, 'bench'),
      });
      try {
        const line = await child.line((l) =>
          l.startsWith('{') ? (JSON.parse(l) as { ms: number; rssMiB: number }) : undefined,
        );
        ms.push(line.ms);
        rss.push(line.rssMiB);
      } catch (error) {
        console.error(`  import ${specifier} failed: ${(error as Error).message}`);
      } finally {
        await child.kill();
      }
    }
    rows.push([`\`${specifier}\``, fmtSpread(spread(ms)), fmtSpread(spread(rss), 1)]);
    figures[`import-${specifier.replace(/[^\w.-]+/g, '-').replace(/^-/, '')}`] =
      `${fmtSpread(spread(ms))} ms, ${fmtSpread(spread(rss), 1)} MiB`;
    console.log(`  import ${specifier}: ${fmtSpread(spread(ms))} ms, ${fmtSpread(spread(rss), 1)} MiB`);
  }
  return rows;
}
