// `npm start` (examples/demo/run.mjs): the demo app and the sidecar start, flip, and stop together on Ctrl-C.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { kubeProbe, ROOT, until } from './helpers.js';

it('npm start runs the demo app and the sidecar, prints the URLs, and stops both on SIGINT', async (t) => {
  const demo = spawn(process.execPath, [join(ROOT, 'examples/demo/run.mjs')], {
    // Each state lasts 3 s, longer than period × failureThreshold (2 s): a 1 s flip against a 1 s period samples
    // the same phase run after run (aliasing), and readiness may never flip.
    env: { ...process.env, DEMO_FLIP_SECONDS: '3', PROBEKIT_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  demo.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
  t.after(async () => {
    if (demo.exitCode === null) demo.kill('SIGKILL');
    await exited;
  });

  const url = await until(
    async () => /(http:\/\/127\.0\.0\.1:\d+)\/readyz\?verbose/.exec(output)?.[1],
    10_000,
  );
  assert.match(output, /\/metrics +Prometheus metrics/);
  const verbose = await until(async () => {
    const response = await kubeProbe(`${url}/readyz?verbose`);
    return /\[[+-]\]app /.test(response.body) && /ready-file/.test(response.body) && response.body;
  });
  assert.doesNotMatch(verbose, /app-port/, 'app-port gates liveness only');
  assert.match((await kubeProbe(`${url}/livez?verbose`)).body, /^\[\+\]app-port ok$/m);
  // The app's health flips every 3 s: readiness is seen passing and failing.
  const seen = new Set<number>();
  await until(
    async () => {
      seen.add((await kubeProbe(`${url}/readyz`)).status);
      return seen.has(200) && seen.has(503);
    },
    30_000,
    100,
  );

  demo.kill('SIGINT');
  assert.equal(await exited, 0, output);
  assert.match(output, /the demo app and the sidecar have stopped \(sidecar exit code 0\)/);
  await assert.rejects(kubeProbe(`${url}/livez`), /ECONNREFUSED/);
});
