// The sidecar's probe server, fastify or node:http: spawn → first /livez 200, and RSS 1 s after spawn, against a
// bare node:http server, started in turn (rotated each round) on this machine. Medians of every round.
//   node bench/server-footprint.mjs [ROUNDS] [label=path/to/cli.js]...
// Without a cli, measures packages/sidecar/dist/bundle/cli.js as `sidecar`. Each sidecar serves three checks on loopback
// (tcp, http, exec), as a small pod would.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const args = process.argv.slice(2);
const rounds = /^\d+$/.test(args[0] ?? '') ? Number(args.shift()) : 15;
const clis =
  args.length > 0
    ? args
    : [`sidecar=${new URL('../packages/sidecar/dist/bundle/cli.js', import.meta.url).pathname}`];

// One target for every check: it answers HTTP, so a tcp check passes on it too.
const target = createServer((_req, res) => res.end('ok'));
await new Promise((resolve) => target.listen(0, '127.0.0.1', resolve));
const targetPort = target.address().port;
let nextPort = 19_300;

const BARE = `require('node:http').createServer((q, s) => s.end('ok')).listen(+process.argv[1], '127.0.0.1')`;
const candidates = [
  { label: 'bare node:http', args: (port) => ['-e', BARE, String(port)] },
  ...clis.map((entry) => {
    const [label, cli] = entry.split('=');
    return {
      label,
      args: (port) => [
        cli,
        'serve',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--check',
        `tcp://127.0.0.1:${targetPort}`,
        '--check',
        `http://127.0.0.1:${targetPort}/healthz`,
        '--check',
        'exec:true',
      ],
    };
  }),
];

async function once(candidate) {
  const port = nextPort++;
  const started = performance.now();
  const child = spawn(process.execPath, candidate.args(port), { stdio: 'ignore' });
  let startMs;
  while (startMs === undefined) {
    if (performance.now() - started > 10_000) throw new Error(`${candidate.label} did not answer in 10 s`);
    const status = await fetch(`http://127.0.0.1:${port}/livez`).then(
      (res) => res.arrayBuffer().then(() => res.status),
      () => 0,
    );
    if (status === 200) startMs = performance.now() - started;
    else await sleep(2);
  }
  await sleep(Math.max(0, 1000 - (performance.now() - started)));
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return { startMs, rss };
}

const samples = new Map(candidates.map((c) => [c.label, []]));
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[(i + round) % candidates.length];
    samples.get(candidate.label).push(await once(candidate));
  }
}
target.close();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const bare = samples.get('bare node:http');
console.log(`node ${process.version}, ${rounds} rounds; medians`);
console.log('| server | spawn → first /livez 200 | RSS 1 s after spawn (MiB) |');
console.log('| --- | --- | --- |');
for (const [label, runs] of samples) {
  const start = median(runs.map((r) => r.startMs));
  const rss = median(runs.map((r) => r.rss));
  const ratio = (a, b) => (label === 'bare node:http' ? '' : ` (×${(a / b).toFixed(2)})`);
  console.log(
    `| ${label} | ${start.toFixed(0)} ms${ratio(start, median(bare.map((r) => r.startMs)))} | ${rss.toFixed(1)}${ratio(rss, median(bare.map((r) => r.rss)))} |`,
  );
}
