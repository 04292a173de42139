// SIGTERM through the real binary: not-ready at once, answers through the delay, then a clean exit 0.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { kubeProbe, type ProbeResponse, startServe, tcpTarget, until } from './helpers.js';

describe('shutdown', () => {
  let db: Awaited<ReturnType<typeof tcpTarget>>;
  before(async () => {
    db = await tcpTarget();
  });
  after(() => db.close());

  it('SIGTERM: readiness 503 at once, requests answered through the delay, then exit 0', async () => {
    const delayMs = 1500;
    const sidecar = await startServe([
      '--check',
      `tcp://127.0.0.1:${db.port}`,
      '--shutdown-delay',
      `${delayMs}ms`,
    ]);
    try {
      await until(async () => (await kubeProbe(`${sidecar.url}/readyz`)).status === 200);
      // A client holding a keep-alive connection must neither lose its answers nor keep the process alive.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const viaAgent = () =>
        new Promise<number>((resolve, reject) => {
          http
            .get(`${sidecar.url}/livez`, { agent }, (response) => {
              response.resume().on('end', () => resolve(response.statusCode ?? 0));
            })
            .on('error', reject);
        });
      assert.equal(await viaAgent(), 200);

      const signalled = Date.now();
      sidecar.child.kill('SIGTERM');
      await sidecar.waitForLog((line) => line.msg.startsWith('shutting down (SIGTERM)'));
      const first = await kubeProbe(`${sidecar.url}/readyz?verbose`);
      assert.equal(first.status, 503);
      assert.match(first.body, /^\[-\]shutdown failed: process is shutting down\b/m);
      assert.ok(Date.now() - signalled < 1000, 'readiness failed at once');

      // Through the delay every request is answered: readiness 503, liveness 200.
      const answers: { at: number; ready: ProbeResponse; live: ProbeResponse; kept: number }[] = [];
      while (Date.now() - signalled < delayMs - 300) {
        const [ready, live, kept] = await Promise.all([
          kubeProbe(`${sidecar.url}/readyz`),
          kubeProbe(`${sidecar.url}/livez`),
          viaAgent(),
        ]);
        answers.push({ at: Date.now() - signalled, ready, live, kept });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(answers.length >= 5, `only ${answers.length} rounds answered`);
      for (const { ready, live, kept } of answers)
        assert.deepEqual([ready.status, live.status, kept], [503, 200, 200]);

      const exit = await sidecar.exited;
      const elapsed = Date.now() - signalled;
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(elapsed >= delayMs, `exited after ${elapsed} ms, before the ${delayMs} ms delay`);
      assert.ok(elapsed < delayMs + 3000, `exited only after ${elapsed} ms`);
      agent.destroy();
      assert.match(sidecar.logs.at(-1)?.msg ?? '', /^shutdown done in \d+ms; exit code 0$/);
      assert.ok(
        sidecar.logs.some(
          (line) =>
            line.msg === 'probe state changed' && line['probe'] === 'readiness' && line['to'] === 'fail',
        ),
      );
      await assert.rejects(kubeProbe(`${sidecar.url}/livez`), /ECONNREFUSED/);
    } finally {
      await sidecar.kill();
    }
  });

  it('a second signal exits at once, with 128 + the signal number', async () => {
    const sidecar = await startServe(['--check', `tcp://127.0.0.1:${db.port}`, '--shutdown-delay', '30s']);
    try {
      sidecar.child.kill('SIGINT');
      await sidecar.waitForLog((line) => line.msg.startsWith('shutting down (SIGINT)'));
      sidecar.child.kill('SIGTERM');
      const exit = await sidecar.exited;
      assert.deepEqual(exit, { code: 143, signal: null });
      assert.match(
        sidecar.logs.at(-1)?.msg ?? '',
        /^shutdown forced: a second signal \(SIGTERM\) arrived; connections destroyed; exit code 143$/,
      );
    } finally {
      await sidecar.kill();
    }
  });
});
