// SIGTERM under load, for the sidecar and for the SDK's separate probe port (`listen()`; the SDK's own test
// covers fastify and a bare http.Server): the load balancer's requests all succeed until it has seen readiness
// fail, readiness answers 503 from the signal on (before the process even says it is shutting down), liveness
// stays 200, every probe answer comes from answer(), then the port closes and the process exits 0 in time.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { startServe, tempDir } from '../sidecar/helpers.js';
import { type DrainReport, drainUnderLoad, sidecarDrain } from './support/drain.js';
import { startSdkApp } from './support/sdk-app.js';

/** `answers`, then the port gone: refused, or first a reset for a connection queued as the listener closed. */
function assertClosing(seen: readonly string[], answers: readonly string[]): void {
  const closing = seen.slice(answers.length);
  assert.deepEqual(seen.slice(0, answers.length), answers, seen.join(' → '));
  assert.ok(
    closing.join() === 'refused' || closing.join() === 'reset,refused',
    `then closed: ${seen.join(' → ')}`,
  );
}

describe('SIGTERM under load', () => {
  it('sidecar: no request fails, readiness flips first, liveness holds, the port closes after the delay, exit 0', async (t) => {
    const report = await sidecarDrain();
    assertDrained(t, report);
  });

  it('sidecar: a second signal during the delay exits at once, 143', async (t) => {
    const temp = tempDir();
    t.after(() => temp.remove());
    const file = temp.write('probekit.yaml', 'checks:\n  - { name: ok, exec: { command: ["true"] } }\n');
    const sidecar = await startServe(['--config', file, '--shutdown-delay', '60s']);
    t.after(() => sidecar.kill());
    sidecar.child.kill('SIGTERM');
    await sidecar.waitForLog((line) => line.msg.startsWith('shutting down ('));
    const second = performance.now();
    sidecar.child.kill('SIGTERM');
    const exit = await sidecar.exited;
    assert.deepEqual(exit, { code: 143, signal: null });
    assert.ok(performance.now() - second < 2000);
  });

  it('SDK probe port of its own (listen()): app load never fails, readiness flips first, exit 0', async (t) => {
    const app = await startSdkApp('listen', { DRAIN: '1' });
    t.after(() => app.stop());
    const readyUrl = `http://127.0.0.1:${app.probePort}/readyz`;
    while ((await fetch(readyUrl)).status !== 200) await new Promise((r) => setTimeout(r, 20));
    const report = await drainUnderLoad({
      signal: () => app.child.kill('SIGTERM'),
      announced: async () => {
        while (!app.log.some((line) => line.includes('"msg":"shutting down')))
          await new Promise((r) => setTimeout(r, 2));
      },
      exited: app.exited,
      loadUrl: `http://127.0.0.1:${app.appPort}/work`,
      readyUrl,
      liveUrl: `http://127.0.0.1:${app.probePort}/livez`,
    });
    // The probe port closes last, after the app's own server: readiness is 503 until then.
    assertDrained(t, report);
  });
});

/**
 * What every drain under load must show: no failed request, readiness 503 before the shutdown is
 * announced while liveness holds, load served after the signal, exit 0 after the 1 s delay plus at
 * most 3 s of closing; ordering is asserted, the flip delay is printed as a figure.
 */
function assertDrained(t: TestContext, report: DrainReport): void {
  t.diagnostic(
    `readiness 503 ${report.flipMs?.toFixed(1)} ms after SIGTERM; exit after ${Math.round(report.exitMs)} ms`,
  );
  assert.deepEqual(report.failures, []);
  assertClosing(report.readiness, ['200', '503']);
  assertClosing(report.liveness, ['200']);
  assert.equal(report.readyAfterAnnounced, 0);
  assert.ok(report.servedAfterSignal > 0, 'the load was served after the signal');
  assert.equal(report.exitCode, 0);
  assert.ok(report.exitMs < 1000 + 3000, `exit took ${report.exitMs} ms`);
  assert.ok(
    (report.flipMs ?? Number.POSITIVE_INFINITY) < 1000,
    `readiness flipped after ${report.flipMs} ms`,
  );
}
