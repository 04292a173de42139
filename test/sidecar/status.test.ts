// `probekit status` through the real binary, against a running `probekit serve` and an SDK app.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startSdkApp } from '../reliability/support/sdk-app.js';
import { type Running, runCli, serveWithTarget, startServe, tcpTarget, tempDir, until } from './helpers.js';

// Each attempt spawns the CLI: on a loaded machine a few take seconds, so the conditions get time, not speed.
const PATIENCE_MS = 20_000;

describe('probekit status', () => {
  const pod = serveWithTarget(
    'probekit-status-',
    (port, dir) => `checks:
  - name: db
    tcpSocket: { port: ${port} }
    periodSeconds: 0.2
    failureThreshold: 2
  - name: ready-file
    exec: { command: [test, -f, ${dir}/ready] }
    periodSeconds: 0.2
    critical: false
`,
  );

  it('prints each probe kind and each check, and exits 0 while ready', async () => {
    const result = await until(async () => {
      const run = await runCli(['status', '--url', pod.serve.url]);
      return run.code === 0 && run.stdout.includes('exit code 1') && run;
    }, PATIENCE_MS);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `${pod.serve.url}: ready (200), live (200), started (200)`);
    assert.match(lines[1] ?? '', /^CHECK +STATE +SINCE +IN A ROW +RECENT +REASON$/);
    assert.match(result.stdout, /^db +pass +\S.* \d+ passed +✓+$/m);
    assert.match(result.stdout, /^ready-file +warn +\S.* \d+ failed +✗+ +exit code 1$/m);
  });

  it('exits 1 with the reason once a critical check fails', async () => {
    await pod.db.close();
    const result = await until(async () => {
      const run = await runCli(['status', '--url', pod.serve.url]);
      return run.code === 1 && run;
    }, PATIENCE_MS);
    assert.match(result.stdout.split('\n')[0] ?? '', /: not ready \(503\), live \(200\), started \(200\)$/);
    assert.match(
      result.stdout,
      new RegExp(
        `^db +fail +\\S.* \\d+ failed +[✓✗]+ +connect ECONNREFUSED 127\\.0\\.0\\.1:${pod.db.port}$`,
        'm',
      ),
    );
    await pod.db.open();
  });

  it('exits 2 when nothing answers, or the answer is not a probekit server’s', async (t) => {
    const other = http.createServer((_request, response) => response.writeHead(404).end('not found'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    t.after(() => other.close());
    const closed = await tcpTarget();
    await closed.close();
    const [refused, foreign, usage] = await Promise.all([
      runCli(['status', '--url', `http://127.0.0.1:${closed.port}`]),
      runCli(['status', '--url', `http://127.0.0.1:${(other.address() as AddressInfo).port}`]),
      runCli(['status', '--url', 'ftp://x']),
    ]);
    assert.equal(refused.code, 2);
    assert.equal(
      refused.stderr,
      `probekit status: cannot read http://127.0.0.1:${closed.port}/healthz: ECONNREFUSED\n`,
    );
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /\/healthz did not answer health\+json: "not found"/);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--url must be an http\(s\) URL/);
  });
});

describe('probekit status (details behind a token)', () => {
  const files = tempDir('probekit-status-token-');
  let serve: Running;
  before(async () => {
    const config = files.write(
      'probekit.yaml',
      `server: { detailsToken: "\${TOKEN}" }
checks:
  - name: up
    exec: { command: ["true"] }
    periodSeconds: 0.2
`,
    );
    serve = await startServe(['--config', config], { TOKEN: 's3cret-token-0123456789' });
  });
  after(async () => {
    await serve.kill();
    files.remove();
  });

  it('shows the checks only with the token, from --token or PROBEKIT_DETAILS_TOKEN', async () => {
    const bare = await until(async () => {
      const run = await runCli(['status', '--url', serve.url]);
      return run.code === 0 && run;
    }, PATIENCE_MS);
    assert.match(bare.stdout, /checks not shown: .* only with --token/);
    const [flag, env] = await Promise.all([
      runCli(['status', '--url', serve.url, '--token', 's3cret-token-0123456789']),
      runCli(['status', '--url', serve.url], { env: { PROBEKIT_DETAILS_TOKEN: 's3cret-token-0123456789' } }),
    ]);
    for (const result of [flag, env]) assert.match(result.stdout, /^up +pass /m);
  });
});

describe('probekit status (an SDK app)', () => {
  it('reads an SDK app the same way', async (t) => {
    const app = await startSdkApp('express');
    t.after(() => app.stop());
    const result = await runCli(['status', '--url', `http://127.0.0.1:${app.probePort}`]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^dep +pass /m);
  });
});
