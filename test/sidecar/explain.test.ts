// "Explaining a state" through the real binary: verbose tails, since and history in JSON, the log lines that say
// why (each check's first result, once; a probe kind's change naming its checks), and `probekit status`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubeProbe, runCli, serveWithTarget, until } from './helpers.js';

const ISO_SECONDS = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';

describe('explaining a state (probekit serve)', () => {
  const pod = serveWithTarget(
    'probekit-explain-',
    (port) => `checks:
  - name: db
    tcpSocket: { port: ${port} }
    periodSeconds: 1
    failureThreshold: 3
  - name: gone
    tcpSocket: { port: 1 }
    periodSeconds: 0.2
    failureThreshold: 1
    critical: false
`,
  );

  it('logs each check’s first result once, with its reason', async () => {
    const first = await pod.serve.waitForLog(
      (line) => line.msg === 'check first result' && line['check'] === 'gone',
    );
    assert.equal(first.level, 'warn');
    assert.equal(first['result'], 'failure');
    assert.equal(first['reason'], 'connect ECONNREFUSED 127.0.0.1:1');
    const ok = await pod.serve.waitForLog(
      (line) => line.msg === 'check first result' && line['check'] === 'db',
    );
    assert.deepEqual([ok.level, ok['result'], ok['reason']], ['info', 'success', undefined]);
    await until(async () =>
      (await kubeProbe(`${pod.serve.url}/readyz?verbose`)).body.includes('(failing since'),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const firsts = pod.serve.logs.filter((line) => line.msg === 'check first result');
    assert.deepEqual(firsts.map((line) => line['check']).sort(), ['db', 'gone']);
  });

  it('verbose lines say since when, how many in a row, and how close a passing check is to failing', async () => {
    const failing = await kubeProbe(`${pod.serve.url}/readyz?verbose`);
    assert.match(
      failing.body,
      new RegExp(
        `^\\[~\\]gone warn: connect ECONNREFUSED 127\\.0\\.0\\.1:1 \\(failing since ${ISO_SECONDS}, \\d+ in a row\\)$`,
        'm',
      ),
    );
    assert.match(failing.body, /^\[\+\]db ok$/m);
    await pod.db.close();
    const begun = await until(async () => {
      const answer = await kubeProbe(`${pod.serve.url}/readyz?verbose`);
      return /^\[\+\]db ok \(1 failure, 2 more to fail\)$/m.test(answer.body) && answer;
    }, 10_000);
    assert.equal(begun.status, 200, 'one failure of three: still ready');
    const failed = await until(async () => {
      const answer = await kubeProbe(`${pod.serve.url}/readyz?verbose`);
      return answer.status === 503 && answer;
    }, 10_000);
    assert.match(
      failed.body,
      new RegExp(
        `^\\[-\\]db failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${pod.db.port} \\(failing since ${ISO_SECONDS}, 3 in a row\\)$`,
        'm',
      ),
    );
  });

  it('logs the readiness change naming the check that caused it', async () => {
    const line = await pod.serve.waitForLog(
      (entry) => entry.msg === 'probe state changed' && entry['to'] === 'fail',
    );
    // gone is not critical: readiness warned before db failed, and warns again once db is back.
    assert.deepEqual([line['probe'], line['from'], line['checks']], ['readiness', 'warn', ['db']]);
    assert.deepEqual(line['reasons'], { db: `connect ECONNREFUSED 127.0.0.1:${pod.db.port}` });
    await pod.db.open();
    const back = await pod.serve.waitForLog(
      (entry) =>
        entry.msg === 'probe state changed' &&
        entry['from'] === 'fail' &&
        pod.serve.logs.indexOf(entry) > pod.serve.logs.indexOf(line),
      10_000,
    );
    assert.deepEqual(
      [back['to'], back['checks'], back['reasons']],
      ['warn', ['db'], undefined],
      'better: db passes',
    );
  });

  it('JSON carries since on every check, and with ?history the last results, newest first', async () => {
    const json = JSON.parse((await kubeProbe(`${pod.serve.url}/healthz?format=json&history`)).body);
    const [db] = json.checks.db;
    assert.ok(Date.parse(db.since) <= Date.now());
    assert.ok(db.history.length >= 4 && db.history.length <= 64);
    assert.deepEqual(Object.keys(db.history[0]).sort(), ['durationMs', 'outcome', 'time']);
    assert.equal(db.history[0].outcome, 'success', 'the newest first: it is back');
    assert.ok(
      db.history.some(
        (entry: { outcome: string; reason?: string }) =>
          entry.outcome === 'failure' && /ECONNREFUSED/.test(entry.reason ?? ''),
      ),
    );
    const times = db.history.map((entry: { time: string }) => Date.parse(entry.time));
    assert.deepEqual(
      times,
      [...times].sort((a: number, b: number) => b - a),
    );
    assert.equal(
      JSON.parse((await kubeProbe(`${pod.serve.url}/healthz?format=json`)).body).checks.db[0].history,
      undefined,
    );
  });

  it('logs the first result again for a check a reload changes', async () => {
    const config = pod.files.write(
      'probekit.yaml',
      `checks:
  - name: db
    tcpSocket: { port: ${pod.db.port} }
    periodSeconds: 0.5
  - name: gone
    tcpSocket: { port: 1 }
    periodSeconds: 0.2
    failureThreshold: 1
    critical: false
`,
    );
    assert.ok(config);
    pod.serve.child.kill('SIGHUP');
    await pod.serve.waitForLog((line) => line.msg === 'config reloaded');
    await until(
      async () =>
        pod.serve.logs.filter((line) => line.msg === 'check first result' && line['check'] === 'db')
          .length === 2,
      10_000,
    );
    assert.equal(
      pod.serve.logs.filter((line) => line.msg === 'check first result' && line['check'] === 'gone').length,
      1,
      'unchanged: not again',
    );
  });

  it('probekit status shows since from the JSON', async () => {
    const result = await runCli(['status', '--url', pod.serve.url]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`^db +pass +${ISO_SECONDS} \\(\\d+s ago\\) +\\d+ passed +[✓✗]*✓$`, 'm'),
    );
    assert.match(
      result.stdout,
      new RegExp(
        `^gone +warn +${ISO_SECONDS} \\(\\d+s ago\\) +\\d+ failed +✗{10} +connect ECONNREFUSED`,
        'm',
      ),
    );
  });
});
