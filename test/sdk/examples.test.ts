// The examples run with one command against the real services on loopback: ready, naming their dependency,
// serving, and shutting down cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

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

/** Skips loudly when a service is not on loopback; in CI that is a failure, not a skip. */
async function needService(t: TestContext, name: string, port: number): Promise<boolean> {
  const up = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const end = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => end(true)).once('error', () => end(false));
    socket.setTimeout(2000, () => end(false));
  });
  if (up) return true;
  const message = `${name} is not listening on 127.0.0.1:${port}`;
  if (process.env.CI === 'true') assert.fail(`${message} (required in CI)`);
  console.warn(`\n!!! SKIPPED: ${message}; start it to run this test\n`);
  t.skip(message);
  return false;
}

async function fetchText(url: string, accept?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { headers: accept ? { accept } : {} });
  return { status: res.status, body: await res.text() };
}

describe('examples', () => {
  for (const example of EXAMPLES) {
    it(`node examples/${example.dir}/server.mjs: ready with ${example.check} named, serves, exits 0 on SIGTERM`, async (t) => {
      if (!(await needService(t, example.service, example.port))) return;
      const child = spawn(process.execPath, [`examples/${example.dir}/server.mjs`], {
        cwd: ROOT,
        env: { ...process.env, PORT: '0', DRAIN_DELAY_SECONDS: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      const exited = once(child, 'exit');
      try {
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
        const base = `http://127.0.0.1:${port}`;
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
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  }
});
