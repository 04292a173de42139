// The real binary, probed as the kubelet probes it, while its targets go down and up again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  httpTarget,
  kubeProbe,
  passes,
  type Running,
  startServe,
  tcpTarget,
  tempDir,
  until,
} from './helpers.js';

describe('probekit serve', () => {
  const temp = tempDir();
  let db: Awaited<ReturnType<typeof tcpTarget>>;
  let app: Awaited<ReturnType<typeof httpTarget>>;
  let sidecar: Running;

  before(async () => {
    db = await tcpTarget();
    app = await httpTarget();
    const config = temp.write(
      'probekit.yaml',
      `
defaults: { periodSeconds: 0.2, timeoutSeconds: 1, failureThreshold: 3 }
checks:
  - name: db
    tcpSocket: { port: ${db.port} }
  - name: app
    httpGet: { path: /healthz, port: ${app.port} }
    probes: [readiness, liveness]
  - name: extra
    exec: { command: [test, -d, /] }
    critical: false
`,
    );
    sidecar = await startServe(['--config', config]);
  });

  after(async () => {
    await sidecar?.kill();
    await db?.close().catch(() => {});
    await app?.close();
    temp.remove();
  });

  const probe = (path: string, options?: Parameters<typeof kubeProbe>[1]) =>
    kubeProbe(`${sidecar.url}${path}`, options);

  it('becomes ready once every critical check has passed once', async () => {
    await until(async () => passes(await probe('/readyz')));
    const ready = await probe('/readyz');
    assert.deepEqual(
      [ready.status, ready.body, ready.headers['content-type']],
      [200, 'ok', 'text/plain; charset=utf-8'],
    );
    assert.equal(ready.headers['cache-control'], 'no-store');
    assert.deepEqual([(await probe('/livez')).status, (await probe('/startupz')).status], [200, 200]);
  });

  it('fails readiness only after failureThreshold consecutive failures, not after one', async () => {
    await db.close();
    const seen: { failures: number; status: number }[] = [];
    await until(async () => {
      const response = await probe('/readyz/db?format=json');
      const entry = JSON.parse(response.body).checks.db[0];
      seen.push({ failures: entry.consecutiveFailures, status: response.status });
      return response.status === 503;
    });
    // Every answer is one snapshot: below the threshold it still passes, at the threshold it fails.
    for (const { failures, status } of seen)
      assert.equal(status, failures >= 3 ? 503 : 200, JSON.stringify(seen));
    assert.ok(
      seen.some(({ failures }) => failures === 1 || failures === 2),
      `saw no answer below the threshold: ${JSON.stringify(seen)}`,
    );
    const ready = await probe('/readyz?verbose');
    assert.equal(ready.status, 503);
    assert.match(ready.body, /^\[-\]db failed: .*ECONNREFUSED/m);
    assert.match(ready.body, /^\[\+\]app ok$/m);
    assert.match(ready.body, /readyz check failed\n$/);
    // db gates readiness only: liveness stays up.
    assert.equal((await probe('/livez')).status, 200);
    const logged = await sidecar.waitForLog(
      (line) => line.msg === 'check state changed' && line['check'] === 'db' && line['to'] === 'failing',
    );
    assert.equal(logged['from'], 'passing');
    assert.match(String(logged['reason']), /ECONNREFUSED/);
  });

  it('recovers after one success (successThreshold 1)', async () => {
    await db.open();
    await until(async () => passes(await probe('/readyz')));
    await sidecar.waitForLog(
      (line) =>
        line.msg === 'check state changed' &&
        line['check'] === 'db' &&
        line['to'] === 'passing' &&
        line['from'] === 'failing',
    );
  });

  it('renders ?verbose, ?exclude, health+json and per-check paths', async () => {
    app.setStatus(500);
    await until(async () => (await probe('/livez')).status === 503);
    const verbose = await probe('/livez?verbose');
    // The reason, then since when and how many in a row (the explain contract); nothing else.
    const [, inARow] =
      /^\[-\]app failed: HTTP probe failed with statuscode: 500 \(failing since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, (\d+) in a row\)\nlivez check failed\n$/.exec(
        verbose.body,
      ) ?? assert.fail(verbose.body);
    assert.ok(Number(inARow) >= 3, verbose.body);
    const excluded = await probe('/readyz?verbose&exclude=app');
    assert.equal(excluded.status, 200);
    assert.match(excluded.body, /^\[\+\]app excluded: ok$/m);
    const json = await probe('/healthz', { headers: { Accept: 'application/health+json' } });
    assert.equal(json.headers['content-type'], 'application/health+json');
    const body = JSON.parse(json.body);
    assert.equal(body.status, 'fail');
    assert.deepEqual(Object.keys(body.checks), ['db', 'app', 'extra']);
    assert.equal(body.checks.app[0].output, 'HTTP probe failed with statuscode: 500');
    assert.equal(body.checks.extra[0].componentType, 'system');
    assert.equal((await probe('/livez/app')).status, 503);
    assert.equal((await probe('/readyz/db')).status, 200);
    const missing = await probe('/livez/db');
    assert.deepEqual([missing.status, missing.body], [404, 'check "db" is not part of livez\n']);
    app.setStatus(302);
    // 3xx is a success for the kubelet, and so for the check.
    await until(async () => passes(await probe('/livez')));
  });

  it('answers GET and HEAD, and 405 to anything else', async () => {
    const head = await probe('/readyz', { method: 'HEAD' });
    assert.deepEqual([head.status, head.body], [200, '']);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await probe('/readyz', { method });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers['allow'], 'GET, HEAD');
    }
    assert.equal((await probe('/nope')).status, 404);
  });

  it('logs one JSON line per state change and nothing per successful run', async () => {
    const messages = new Set(sidecar.logs.map((line) => line.msg));
    assert.deepEqual([...messages].sort(), [
      'check first result',
      'check state changed',
      'listening',
      'probe state changed',
    ]);
    // Each check's first result once, at start (docs/sidecar.md): not one per run.
    const firsts = sidecar.logs
      .filter((line) => line.msg === 'check first result')
      .map((line) => line['check']);
    assert.deepEqual(firsts.sort(), ['app', 'db', 'extra']);
    for (const line of sidecar.logs) assert.match(String(line['time']), /^\d{4}-\d\d-\d\dT/);
    const listening = sidecar.logs[0]!;
    assert.deepEqual(listening['checks'], ['db', 'app', 'extra']);
    assert.equal(sidecar.stderr(), '');
  });
});
