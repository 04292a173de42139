#!/usr/bin/env node
// `npm start`: the demo app and the real probekit sidecar beside it, with examples/demo/probekit.yaml. Ctrl-C stops both.
// PROBEKIT_PORT picks the sidecar's port (default 8099, or a free one if 8099 is taken); DEMO_FLIP_SECONDS the flip period.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startDemoApp } from './app.mjs';

const here = new URL('.', import.meta.url).pathname;
const cli = join(here, '../../packages/sidecar/dist/bundle/cli.js');
if (!existsSync(cli)) {
  console.error('probekit is not built yet: run `npm run build` (npm ci does it), then `npm start` again.');
  process.exit(1);
}

const flipMs = Number(process.env.DEMO_FLIP_SECONDS ?? 10) * 1000;
const dir = mkdtempSync(join(tmpdir(), 'probekit-demo-'));
const readyFile = join(dir, 'ready');
const app = await startDemoApp({ readyFile, flipMs });
const port = process.env.PROBEKIT_PORT ?? ((await isFree(8099)) ? '8099' : '0');

const sidecar = spawn(
  process.execPath,
  // Loopback only on a laptop; the config keeps the default (0.0.0.0), as in a pod.
  [cli, 'serve', '--config', join(here, 'probekit.yaml'), '--port', port, '--host', '127.0.0.1'],
  {
    env: { ...process.env, DEMO_PORT: String(app.port), READY_FILE: readyFile },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: Ctrl-C reaches only this script, which sends one SIGTERM (a second would cut the drain short).
    detached: true,
  },
);
process.on('exit', () => sidecar.kill('SIGKILL'));

createInterface({ input: sidecar.stdout }).on('line', (line) => {
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    console.log(line);
    return;
  }
  if (event.msg === 'listening') printUrls(event.url);
  console.log(describe(event));
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping: the sidecar answers 503 on /readyz for its shutdown delay (1 s), then exits');
  sidecar.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const code = await new Promise((resolve) => sidecar.once('exit', (exitCode) => resolve(exitCode ?? 1)));
await app.close();
rmSync(dir, { recursive: true, force: true });
console.log(`the demo app and the sidecar have stopped (sidecar exit code ${code})`);
process.exit(stopping ? 0 : code);

function printUrls(url) {
  const links = [
    ['/readyz?verbose', 'readiness, one line per check'],
    ['/livez?verbose', "liveness (only the app's port)"],
    ['/healthz?format=json', 'every check, IETF health+json'],
    ['/readyz/app', 'one check alone'],
    ['/metrics', 'Prometheus metrics'],
  ];
  const width = Math.max(...links.map(([path]) => url.length + path.length)) + 4;
  console.log(`
The demo app listens on http://127.0.0.1:${app.port}; its /healthz flips between 200 and 503 every ${flipMs / 1000} s.
The probekit sidecar checks it. Open:

${links.map(([path, what]) => `  ${`${url}${path}`.padEnd(width)}${what}`).join('\n')}

Or try: npx probekit probe ${url}/readyz    (exit 0 or 1)
Ctrl-C stops both.
`);
}

// A log line, shortened for a terminal: the time, the message, then the fields.
function describe({ time, level, msg, ...fields }) {
  const details = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time.slice(11, 19)} ${level.padEnd(5)} ${msg}${details ? `  ${details}` : ''}`;
}

function isFree(candidate) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(candidate, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
