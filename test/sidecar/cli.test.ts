// The one-shot verbs through the real binary: probe, wait, check, validate, and usage errors.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  httpTarget,
  kubeProbe,
  runCli,
  startServe,
  type TcpTarget,
  tcpTarget,
  tempDir,
  until,
} from './helpers.js';

/** A loopback TCP target that is down now and comes up `ms` later; closed after the test. */
async function upAfter(t: TestContext, ms: number): Promise<TcpTarget> {
  const target = await tcpTarget();
  await target.close();
  const reopen = setTimeout(() => void target.open(), ms);
  t.after(async () => {
    clearTimeout(reopen);
    await target.close().catch(() => {});
  });
  return target;
}

describe('probekit (usage)', () => {
  it('prints help with exit 0, for the binary and for each verb', async () => {
    const verbs = ['serve', 'probe', 'wait', 'check', 'validate'];
    const [top, ...own] = await Promise.all([
      runCli(['--help']),
      ...verbs.map((verb) => runCli([verb, '--help'])),
    ]);
    assert.equal(top?.code, 0);
    verbs.forEach((verb, index) => {
      assert.match(top?.stdout ?? '', new RegExp(`^  ${verb} `, 'm'));
      assert.equal(own[index]?.code, 0, verb);
      assert.match(own[index]?.stdout ?? '', new RegExp(`^Usage: probekit ${verb} `), verb);
    });
  });

  it('refuses an unknown verb, an unknown flag and a missing value with exit 2 and a clear line on stderr', async () => {
    const cases: [string[], RegExp][] = [
      [['serv'], /^probekit: unknown command "serv"\nSee 'probekit --help'\.\n$/],
      [[], /^probekit: give a command\n/],
      [['serve', '--prot', '1'], /^probekit serve: unknown option --prot\nSee 'probekit serve --help'\.\n$/],
      [['probe', '--timeout'], /^probekit probe: option --timeout needs a value\n/],
      [
        ['probe', 'http://127.0.0.1:1/', '--timeout', 'soon'],
        /--timeout must be a duration like 500ms, 1s or 2m, got "soon"/,
      ],
      [['probe', 'http://127.0.0.1:1/', 'extra'], /unexpected argument "extra"/],
      [['probe', 'ftp://127.0.0.1/'], /^probekit probe: URL must be tcp:\/\/host:port/],
      [['wait'], /^probekit wait: give --config FILE or at least one --for TARGET\n/],
      [['check'], /give --config FILE or at least one --check TARGET/],
      [
        ['serve', '--check', 'tcp://127.0.0.1:1', '--port', 'x'],
        /--port must be an integer 0-65535, got "x"/,
      ],
      [
        ['serve', '--check', 'tcp://127.0.0.1:1', '--port', '70000'],
        /--port must be an integer 0-65535, got "70000"/,
      ],
      [['doctor', '--app-port', '0'], /--app-port must be an integer 1-65535, got "0"/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    for (const [index, [args, expected]] of cases.entries()) {
      const result = results[index]!;
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, expected, args.join(' '));
      assert.equal(result.stdout, '', args.join(' '));
    }
  });
});

describe('probekit serve (start-up failure)', () => {
  it('exits 1 with a `cannot start` log line when the port is taken', async (t) => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    t.after(() => taken.close());
    const port = String((taken.address() as AddressInfo).port);
    const result = await runCli(['serve', '--check', 'exec:true', '--port', port, '--host', '127.0.0.1']);
    assert.equal(result.code, 1);
    const line = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    assert.equal(line.msg, 'cannot start');
    assert.match(line.error, /EADDRINUSE/);
  });
});

describe('probekit serve (on loopback)', () => {
  const LOOPBACK_WARNING =
    'listening on loopback in a Kubernetes pod: the kubelet probes the pod IP and will be refused';

  it('warns at start when it listens on loopback in a cluster, where the kubelet probes the pod IP', async (t) => {
    // KUBERNETES_SERVICE_HOST is what the kubelet sets in every container; nothing connects to it here.
    const inPod = await startServe(['--check', 'exec:true'], {
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
    });
    t.after(() => inPod.kill());
    const warning = inPod.logs.find((line) => line.level === 'warn');
    assert.deepEqual(
      [warning?.msg, warning?.['host'], warning?.['fix']],
      [LOOPBACK_WARNING, '127.0.0.1', 'serve on 0.0.0.0 (the default) or ::, in server.host or --host'],
    );
    // Before `listening`: the first thing an operator reading the pod's log sees.
    assert.ok(inPod.logs.indexOf(warning!) < inPod.logs.findIndex((line) => line.msg === 'listening'));
  });

  it('does not warn outside a cluster, where loopback is the right choice', async (t) => {
    const laptop = await startServe(['--check', 'exec:true']);
    t.after(() => laptop.kill());
    assert.deepEqual(
      laptop.logs.filter((line) => line.level === 'warn'),
      [],
    );
  });
});

describe('probekit probe', () => {
  let seen: http.IncomingHttpHeaders | undefined;
  let status = 200;
  const server = http.createServer((request, response) => {
    seen = request.headers;
    if (request.url === '/redirect') response.writeHead(302, { location: '/ok' }).end();
    else response.writeHead(status).end('a body that is never echoed');
  });
  let base = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('exits 0 for 200-399, like the kubelet, sending its headers', async () => {
    status = 204;
    const result = await runCli([
      'probe',
      `${base}/redirect`,
      '--header',
      'X-Probe: 1',
      '-H',
      'Authorization: Bearer t',
    ]);
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, '', '']);
    assert.equal(seen?.['x-probe'], '1');
    assert.equal(seen?.['authorization'], 'Bearer t');
    assert.match(String(seen?.['user-agent']), /^probekit\//);
  });

  it('exits 1 with a one-line reason otherwise, never echoing the body', async () => {
    status = 503;
    const result = await runCli(['probe', `${base}/`]);
    assert.deepEqual(
      [result.code, result.stderr],
      [1, 'probe failed: HTTP probe failed with statuscode: 503\n'],
    );
    const refused = await runCli(['probe', 'http://127.0.0.1:1/healthz']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^probe failed: .*ECONNREFUSED.*\n$/);
  });

  it('honours --timeout', async () => {
    const slow = http.createServer(() => {});
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runCli([
        'probe',
        `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`,
        '--timeout',
        '200ms',
      ]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^probe failed: timeout: no answer within 200ms\n$/);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('--verbose prints the answer’s body, so `kubectl exec … probekit probe` shows reasons without curl', async (t) => {
    const sidecar = await startServe(['--check', 'tcp://127.0.0.1:1', '--check', 'exec:true']);
    t.after(() => sidecar.kill());
    const readyz = `${sidecar.url}/readyz?verbose`;
    await until(async () => /ECONNREFUSED[\s\S]*\[\+\]exec-true ok/.test((await kubeProbe(readyz)).body));
    const failing = await runCli(['probe', readyz, '--verbose']);
    assert.equal(failing.code, 1);
    assert.equal(failing.stdout, (await kubeProbe(readyz)).body.replace(/\n?$/, '\n'));
    assert.match(failing.stdout, /^\[-\]tcp-127\.0\.0\.1-1 failed: .*ECONNREFUSED/m);
    assert.match(failing.stdout, /^\[\+\]exec-true ok/m);
    assert.match(failing.stdout, /^readyz check failed\n$/m);
    assert.equal(failing.stderr, 'probe failed: HTTP probe failed with statuscode: 503\n');

    // A passing answer too, and after a redirect the body of the last one.
    status = 200;
    const passing = await runCli(['probe', `${base}/redirect`, '-v']);
    assert.deepEqual(
      [passing.code, passing.stdout, passing.stderr],
      [0, 'a body that is never echoed\n', ''],
    );
  });

  it('--verbose is refused where there is no answer body', async () => {
    const result = await runCli(['probe', 'tcp://127.0.0.1:1', '--verbose']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^probekit probe: --verbose prints the body of an HTTP answer; tcp:\/\/ has none\n/,
    );
  });

  it('takes the other target kinds too', async () => {
    // A longer timeout than the default 1 s: spawning on a loaded machine is not what this test is about.
    assert.equal((await runCli(['probe', 'exec:true', '--timeout', '10s'])).code, 0);
    const failed = await runCli(['probe', 'exec:false', '--timeout', '10s']);
    assert.deepEqual([failed.code, failed.stderr], [1, 'probe failed: exit code 1\n']);
  });
});

describe('probekit wait', () => {
  it('exits 0 once every target has passed, however late it comes up', async (t) => {
    const db = await upAfter(t, 600);
    const started = Date.now();
    const result = await runCli([
      'wait',
      '--for',
      `tcp://127.0.0.1:${db.port}`,
      '--for',
      'exec:true',
      '--interval',
      '100ms',
      '--timeout',
      '10s',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(Date.now() - started >= 600);
    assert.match(result.stdout, new RegExp(`^tcp://127\\.0\\.0\\.1:${db.port} is up after `, 'm'));
    assert.match(result.stdout, /^exec:true is up after /m);
  });

  it('exits 1 at the timeout, naming what never came up and why', async () => {
    const result = await runCli([
      'wait',
      '--for',
      'tcp://127.0.0.1:1',
      '--timeout',
      '800ms',
      '--interval',
      '100ms',
    ]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^timed out after 800ms; not up:\n {2}tcp:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*\n$/,
    );
  });
});

describe('probekit wait (progress and --config)', () => {
  const temp = tempDir();
  after(() => temp.remove());

  it('says every few seconds which targets are still down, and why', async (t) => {
    const up = await tcpTarget();
    t.after(() => up.close());
    const result = await runCli([
      'wait',
      '--for',
      'tcp://127.0.0.1:1',
      '--for',
      `tcp://127.0.0.1:${up.port}`,
      '--interval',
      '100ms',
      '--progress',
      '300ms',
      '--timeout',
      '1s',
    ]);
    assert.equal(result.code, 1);
    const parts = result.stdout.split(/^(?=still waiting after )/m);
    const reports = parts.filter((part) => part.startsWith('still waiting after '));
    assert.ok(reports.length >= 2, result.stdout);
    reports.forEach((report, index) => {
      assert.match(
        report,
        new RegExp(`^still waiting after ${(index + 1) * 300}ms; not up:\n {2}tcp://127\\.0\\.0\\.1:1: `),
      );
    });
    assert.match(reports.at(-1) ?? '', /^ {2}tcp:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*\n/m);
    // What is up is listed no more after its `is up` line.
    const upLine = new RegExp(`^tcp://127\\.0\\.0\\.1:${up.port} is up after `, 'm');
    const after = parts.slice(parts.findIndex((part) => upLine.test(part)) + 1);
    assert.ok(
      parts.some((part) => upLine.test(part)),
      result.stdout,
    );
    for (const report of after) assert.doesNotMatch(report, new RegExp(`:${up.port}:`));
  });

  it('--config waits for every check of a config file, named as there', async (t) => {
    const db = await upAfter(t, 600);
    const file = temp.write(
      'wait.yaml',
      `checks:
  - { name: db, tcpSocket: { port: "\${DB_PORT}" } }
  - { name: ready-file, exec: { command: ["true"] } }
`,
    );
    const env = { DB_PORT: String(db.port) };
    const result = await runCli(['wait', '--config', file, '--interval', '100ms', '--timeout', '10s'], {
      env,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^db \\(tcp://127\\.0\\.0\\.1:${db.port}\\) is up after `, 'm'));
    assert.match(result.stdout, /^ready-file \(exec:true\) is up after /m);

    // With --for besides, and one that never comes up.
    const late = await runCli(
      ['wait', '--config', file, '--for', 'tcp://127.0.0.1:1', '--interval', '100ms', '--timeout', '600ms'],
      { env },
    );
    assert.equal(late.code, 1);
    assert.match(
      late.stderr,
      /^timed out after 600ms; not up:\n {2}tcp:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*\n$/,
    );
  });

  it('--config refuses a bad config with exit 2, as check and validate do', async () => {
    const file = temp.write('bad.yaml', 'checks:\n  - { name: db, tcpSocket: { port: 0 } }\n');
    const result = await runCli(['wait', '--config', file]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /checks\[0\]\.tcpSocket\.port/);
  });
});

describe('probekit check and validate', () => {
  const temp = tempDir();
  let app: Awaited<ReturnType<typeof httpTarget>>;
  before(async () => {
    app = await httpTarget();
  });
  after(async () => {
    await app.close();
    temp.remove();
  });

  it('runs every check once and prints an aligned table; exit 0 iff every critical check passes', async () => {
    const file = temp.write(
      'check.yaml',
      `checks:
  - { name: app, httpGet: { port: ${app.port}, path: /healthz } }
  - { name: optional, exec: { command: ["false"] }, critical: false }
  - { name: slow, exec: { command: [sleep, "5"] }, timeoutSeconds: 0.3, critical: false }
`,
    );
    const ok = await runCli(['check', '--config', file]);
    assert.equal(ok.code, 0, ok.stderr);
    const lines = ok.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^NAME +KIND +TARGET +RESULT +TIME +REASON$/);
    assert.match(
      lines[1] ?? '',
      new RegExp(`^app +httpGet +http://127\\.0\\.0\\.1:${app.port}/healthz +pass +\\S+ms$`),
    );
    assert.match(lines[2] ?? '', /^optional +exec +exec:false +warn +\S+ +exit code 1$/);
    assert.match(lines[3] ?? '', /^slow +exec +exec:sleep 5 +warn +\S+ +timeout: no answer within 300ms$/);
    // Columns line up: RESULT starts at the same offset on every line.
    const offsets = lines.map((line) => line.search(/ (RESULT|pass|warn|fail|timeout) /));
    assert.equal(new Set(offsets).size, 1, ok.stdout);

    app.setStatus(500);
    const failed = await runCli(['check', '--config', file, '--check', 'tcp://127.0.0.1:1']);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^app +httpGet .* fail +\S+ +HTTP probe failed with statuscode: 500$/m);
    assert.match(failed.stdout, /^tcp-127\.0\.0\.1-1 +tcpSocket +tcp:\/\/127\.0\.0\.1:1 +fail /m);
    app.setStatus(200);
  });

  it('validate prints a one-line summary', async () => {
    const file = temp.write(
      'ok.yaml',
      'checks:\n  - { name: a, tcpSocket: { port: 1 } }\n  - { name: b, exec: { command: ["true"] } }\n',
    );
    const result = await runCli(['validate', '--config', file, '--check', 'http://127.0.0.1:8080/healthz']);
    assert.deepEqual(
      [result.code, result.stdout, result.stderr],
      [0, 'ok.yaml: valid, 3 checks (a, b, http-127.0.0.1-8080-healthz)\n', ''],
    );
  });
});
