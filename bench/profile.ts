// `node --import tsx bench/profile.ts WHAT [SECONDS]`: a CPU profile (node --cpu-prof) of one candidate under the
// benchmark's own load, summarised into bench/out/profile-WHAT.md, to find what a missed target costs.
//   WHAT = an endpoint id (sidecar, sdk-fastify, sdk-node, …)  → that server while the load generator runs
//        | start:<server id> (start:sidecar)                    → the server from spawn to its first 200
//        | check:<tcp|http|exec>[:n[:raw]]                       → the check-cost worker's window (n checks at 1 s)
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ENDPOINTS, type Environment, ROOT, server } from './candidates.js';
import { until } from './lib/http.js';
import { load } from './lib/loadgen.js';
import { freePort, killAll, LOAD_CPU, pinSelf, SERVER_CPU, spawnPinned } from './lib/proc.js';
import { summarise } from './lib/profile.js';
import { runWorker } from './lib/worker.js';

const [what = '', secondsText = '10'] = process.argv.slice(2);
// check:… profiles the worker's measuring window only (node:inspector), not its start-up.
const seconds = Number(secondsText);
if (!what || !Number.isFinite(seconds)) {
  console.error(
    'usage: node --import tsx bench/profile.ts <endpoint id | start:<server> | check:<kind>[:n]> [seconds]',
  );
  process.exit(2);
}
pinSelf(LOAD_CPU);
const dir = mkdtempSync(join(os.tmpdir(), 'probekit-profile-'));
const profileDir = join(dir, 'profiles');
const flags = [
  '--cpu-prof',
  `--cpu-prof-dir=${profileDir}`,
  '--import',
  join(ROOT, 'bench/lib/exit-on-signal.mjs'),
];
const target = spawnPinned(LOAD_CPU, process.execPath, [join(ROOT, 'bench/servers/target.mjs')]);
const env: Environment = {
  node: process.execPath,
  targetPort: await target.line((l) => (l.startsWith('listening ') ? Number(l.slice(10)) : undefined)),
  dir,
};

try {
  mkdirSync(profileDir);
  if (what.startsWith('check:')) {
    const [, kind = 'tcp', n = '200', mode = 'engine'] = what.split(':');
    if (kind === 'grpc') throw new Error('profile gRPC checks through the check-cost section');
    await runWorker(env.node, {
      mode: mode === 'raw' ? 'raw' : 'engine',
      kind: kind as 'tcp' | 'http' | 'exec',
      n: Number(n),
      periodSeconds: 1,
      warmupMs: 1000,
      windowMs: seconds * 1000,
      host: '127.0.0.1',
      port: env.targetPort,
      command: ['true'],
      serve: false,
      profile: join(profileDir, 'window.cpuprofile'),
    });
  } else {
    const startOnly = what.startsWith('start:');
    const endpoint = ENDPOINTS.find((e) => e.id === what);
    const candidate = startOnly ? server(what.slice('start:'.length)) : endpoint?.server;
    if (!candidate) throw new Error(`unknown candidate ${what}`);
    const port = await freePort();
    const { file, args } = candidate.command(port, env);
    if (file !== env.node) throw new Error(`${what} is not a Node server`);
    const spawned = spawnPinned(SERVER_CPU, file, [...flags, ...args], {
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    await until(url(candidate.startedPath), 200, { intervalMs: 2, timeoutMs: 20_000 });
    if (endpoint) {
      await until(url(endpoint.path), 200, { timeoutMs: 10_000 });
      const result = await load({
        url: url(endpoint.path),
        seconds,
        connections: 32,
        ...(endpoint.headers && { headers: endpoint.headers }),
      });
      console.log(`${what}: ${result.requests} requests, ${result.rps.toFixed(0)} req/s under the profiler`);
    }
    const exited = new Promise((resolve) => spawned.child.once('exit', resolve));
    spawned.child.kill('SIGUSR2');
    await exited;
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile was written');
  const summary = summarise(join(profileDir, file));
  const out = join(ROOT, 'bench/out');
  mkdirSync(out, { recursive: true });
  const name = what.replace(/[^a-z0-9-]+/gi, '-');
  writeFileSync(join(out, `profile-${name}.md`), `# CPU profile: ${what}\n\n${summary.markdown}\n`);
  // The raw profile too: Chrome DevTools (Performance → Load profile) shows it as a flame chart.
  copyFileSync(join(profileDir, file), join(out, `profile-${name}.cpuprofile`));
  console.log(summary.markdown);
  console.log(`\nwrote bench/out/profile-${name}.md and .cpuprofile`);
} finally {
  target.child.stdin?.end();
  killAll();
  rmSync(dir, { recursive: true, force: true });
}
