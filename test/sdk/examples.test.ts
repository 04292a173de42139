// The examples run with one command against the real services on loopback: ready, naming their dependency,
// serving, a /metrics page that promtool accepts (they follow the contract they teach), and shutting down
// cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceAvailable } from '../../packages/sdk/test/checks/helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;

const EXAMPLES = [
  {
    dir: 'fastify-postgres',
    service: 'PostgreSQL',
    port: 5432,
    check: 'postgres',
    route: '/now',
    body: /"now":/,
  },
  {
    dir: 'express-redis',
    service: 'Redis',
    port: 6379,
    check: 'redis',
    route: '/visits',
    body: /"visits":\d+/,
  },
];

const promtoolMissing = spawnSync('promtool', ['--version']).error !== undefined;
if (promtoolMissing && process.env['CI'] === 'true')
  throw new Error('promtool is missing (apt-get install prometheus), and CI=true: this is a failure');
if (promtoolMissing)
  console.warn(
    '\n!!! SKIPPED: the examples’ /metrics are not linted: promtool is missing (apt-get install prometheus)\n',
  );

interface Running {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: string[];
  readonly exited: Promise<unknown[]>;
}

/** Starts an example on a free port once its service answers; killed after the test whatever happens. */
async function start(t: TestContext, example: (typeof EXAMPLES)[number]): Promise<Running | undefined> {
  if (!(await serviceAvailable(example.service, example.port))) {
    t.skip(`${example.service} is not running on 127.0.0.1:${example.port}`);
    return undefined;
  }
  const child = spawn(process.execPath, [`examples/${example.dir}/server.mjs`], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DRAIN_DELAY_SECONDS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const output: string[] = [];
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      output.push(line);
      const match = /listening (?:at|on) http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    exited.then(() => reject(new Error(`the example exited:\n${output.join('\n')}`)));
  });
  return { child, base: `http://127.0.0.1:${port}`, output, exited };
}

async function fetchText(url: string, accept?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { headers: accept ? { accept } : {} });
  return { status: res.status, body: await res.text() };
}

describe('examples', () => {
  for (const example of EXAMPLES) {
    it(`node examples/${example.dir}/server.mjs: ready with ${example.check} named, serves, exits 0 on SIGTERM`, async (t) => {
      const running = await start(t, example);
      if (!running) return;
      const { base, child, exited, output } = running;
      let ready = await fetchText(`${base}/readyz`);
      for (let i = 0; ready.status !== 200 && i < 100; i++) {
        await sleep(100);
        ready = await fetchText(`${base}/readyz`);
      }
      assert.deepEqual(ready, { status: 200, body: 'ok' });
      const verbose = await fetchText(`${base}/readyz?verbose`);
      assert.match(verbose.body, new RegExp(`^\\[\\+\\]${example.check} ok$`, 'm'));
      const json = JSON.parse((await fetchText(`${base}/readyz`, 'application/health+json')).body);
      assert.equal(json.checks[example.check][0].status, 'pass');
      assert.equal(typeof json.checks[example.check][0].observedValue, 'number');
      const business = await fetchText(`${base}${example.route}`);
      assert.equal(business.status, 200);
      assert.match(business.body, example.body);
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, output.join('\n'));
      assert.match(output.join('\n'), /shutdown done in \d+ms; exiting 0/);
    });

    it(`node examples/${example.dir}/server.mjs: /metrics passes promtool check metrics`, {
      skip: promtoolMissing && 'promtool is missing',
    }, async (t) => {
      const running = await start(t, example);
      if (!running) return;
      const page = await fetchText(`${running.base}/metrics`);
      assert.equal(page.status, 200);
      assert.match(page.body, /^probekit_check_up\{check="/m);
      assert.match(page.body, /^process_cpu_seconds_total /m, 'the example teaches default metrics too');
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: page.body, encoding: 'utf8' });
      assert.equal(lint.status, 0, `promtool check metrics:\n${lint.stdout}${lint.stderr}`);
    });
  }
});
