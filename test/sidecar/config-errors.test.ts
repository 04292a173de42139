// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} references on purpose
// Broken config files through the real binary: exit code 2, every problem listed with its path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { kubeProbe, runCli, startServe, tcpTarget, tempDir, until } from './helpers.js';

const temp = tempDir();
after(() => temp.remove());

// The loader's own fixture: one alias bomb for the unit test and this one.
const bomb = readFileSync(
  new URL('../../packages/sidecar/test/config/fixtures/alias-bomb.yaml', import.meta.url),
  'utf8',
);

const BROKEN: { what: string; text: string; expect: string[] }[] = [
  {
    what: 'unknown key',
    text: 'checks:\n  - { name: a, tcpSocket: { port: 1 }, perodSeconds: 1 }\n',
    expect: ['checks[0].perodSeconds: is not a known key; did you mean periodSeconds? (line 2, column 40)'],
  },
  {
    what: 'wrong types',
    text: 'checks:\n  - { name: a, tcpSocket: { port: 1 }, periodSeconds: soon, critical: 1 }\n',
    expect: [
      'checks[0].periodSeconds: must be a positive number',
      'checks[0].critical: must be true or false',
    ],
  },
  {
    what: 'port out of range',
    text: 'checks:\n  - { name: a, httpGet: { port: 65536 } }\n',
    expect: ['checks[0].httpGet.port: must be an integer 1-65535'],
  },
  {
    what: 'duplicate names',
    text: 'checks:\n  - { name: a, tcpSocket: { port: 1 } }\n  - { name: a, exec: { command: ["true"] } }\n',
    expect: ['checks[1].name: "a" is already the name of checks[0]'],
  },
  {
    what: 'schema problems and a duplicate name',
    text: 'defaults: { timeoutSeconds: 0 }\nchecks:\n  - { name: a, tcpSocket: { port: 0 } }\n  - { name: a, exec: { command: ["true"] } }\n',
    expect: [
      'checks[0].tcpSocket.port: must be an integer 1-65535',
      'checks[1].name: "a" is already the name of checks[0]',
      'defaults.timeoutSeconds: must be a positive number',
    ],
  },
  {
    what: 'successThreshold 2 on liveness',
    text: 'checks:\n  - { name: a, tcpSocket: { port: 1 }, probes: [liveness], successThreshold: 2 }\n',
    expect: ['checks[0].successThreshold: must be 1 for liveness and startup checks'],
  },
  {
    what: 'bad name',
    text: 'checks:\n  - { name: "-a-", tcpSocket: { port: 1 } }\n',
    expect: ['checks[0].name: must be 1-63 lowercase letters'],
  },
  {
    what: 'unset ${VAR}',
    text: 'checks:\n  - { name: a, tcpSocket: { port: "${NOT_SET_ANYWHERE}" } }\n',
    expect: ['checks[0].tcpSocket.port: uses ${NOT_SET_ANYWHERE}, which is not set'],
  },
  {
    what: 'named port',
    text: 'checks:\n  - { name: a, grpc: { port: grpc } }\n',
    expect: ['checks[0].grpc.port: must be an integer 1-65535: "grpc" is a named port'],
  },
  {
    what: 'YAML syntax error',
    text: 'checks:\n  - name: a\n    tcpSocket: { port: 1\n  - name: b\n',
    expect: ['line 4, column 3: '],
  },
  {
    what: 'an unquoted ${VAR} in a flow mapping',
    text: 'server: { port: ${PORT} }\nchecks: []\n',
    expect: [
      'line 1, column 17: ${PORT} is not quoted inside { … } or [ … ], where YAML reads { and } as structure: write port: "${PORT}"',
    ],
  },
  {
    what: 'credentials in a URL',
    text: 'checks:\n  - { name: a, httpGet: { host: "admin:hunter22@db", port: 80 } }\n',
    expect: [
      'checks[0].httpGet.host: must not carry credentials ("admin:***@db"): send an Authorization header instead, httpHeaders: [{ name: Authorization, value: "${HTTP_AUTH}" }]',
    ],
  },
  { what: 'alias bomb', text: bomb, expect: ['(file): expands too many aliases'] },
  {
    what: 'several problems at once',
    text: 'server: { port: -1 }\ndefaults: { timeoutSeconds: 0 }\nchecks: {}\n',
    expect: [
      'server.port: must be an integer 0-65535',
      'defaults.timeoutSeconds: must be a positive number',
      'checks: must be a list of checks',
    ],
  },
];

describe('config errors', () => {
  // The binary runs once per file, all at the same time; each test then reads its result.
  const results = new Map<string, Awaited<ReturnType<typeof runCli>>>();
  before(async () => {
    await Promise.all(
      BROKEN.map(async ({ what, text }) => {
        const file = temp.write(`${what.replace(/\W+/g, '-')}.yaml`, text);
        results.set(what, await runCli(['validate', '--config', file]));
      }),
    );
  });

  for (const { what, expect } of BROKEN) {
    it(`probekit validate: ${what} → exit 2 and the path`, () => {
      const result = results.get(what)!;
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^probekit: .*\.yaml is not valid \(\d+ problems?\):\n/);
      for (const fragment of expect)
        assert.ok(result.stderr.includes(`  ${fragment}`), `missing ${fragment} in:\n${result.stderr}`);
    });
  }

  it('probekit serve refuses a bad file the same way, before listening', async () => {
    const file = temp.write('serve-bad.yaml', BROKEN[2]!.text);
    const result = await runCli(['serve', '--config', file, '--port', '0']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /checks\[0\]\.httpGet\.port: must be an integer 1-65535/);
    assert.equal(result.stdout, '');
  });

  it('probekit validate names a bad --check target and a missing file', async () => {
    let result = await runCli(['validate', '--check', 'tcp://127.0.0.1', '--check', 'ftp://x']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--check\[0\]: must name a port 1-65535/);
    assert.match(result.stderr, /--check\[1\]: must be tcp:\/\/host:port/);
    result = await runCli(['validate', '--config', '/nonexistent/probekit.yaml']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      'probekit: /nonexistent/probekit.yaml is not valid (1 problem):\n  (file): cannot be read: does not exist\n',
    );
  });

  it('blames a bad substituted value on its variable', async () => {
    const file = temp.write(
      'bad-env.yaml',
      'checks:\n  - name: db\n    tcpSocket: { host: "${DB_HOST}", port: "${DB_PORT}" }\n',
    );
    const result = await runCli(['validate', '--config', file], { env: { DB_HOST: '', DB_PORT: '54x32' } });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `probekit: ${file} is not valid (2 problems):\n` +
        '  checks[0].tcpSocket.host: ${DB_HOST} is empty, not a host name or IP address (line 3, column 18)\n' +
        '  checks[0].tcpSocket.port: ${DB_PORT} is "54x32", not a port number (line 3, column 38)\n',
    );
  });

  it('probekit validate prints warnings and exits 0; serve logs them at start and on reload', async (t) => {
    const file = temp.write('warn.yaml', 'checks: []\n');
    const empty =
      'checks: is empty: every probe (/livez, /readyz, /startupz) will pass, whatever the state of the app (line 1, column 1)';
    const result = await runCli(['validate', '--config', file]);
    assert.deepEqual(
      [result.code, result.stdout, result.stderr],
      [0, 'warn.yaml: valid, 0 checks\n', `probekit: warning: ${empty}\n`],
    );
    const sidecar = await startServe(['--config', file]);
    t.after(() => sidecar.kill());
    const atStart = await sidecar.waitForLog((line) => line.msg === 'config warning');
    assert.deepEqual([atStart.level, atStart['warning'], atStart['source']], ['warn', empty, file]);
    temp.write(
      'warn.yaml',
      'checks:\n  - name: live\n    livenessProbe: { exec: { command: ["true"] }, terminationGracePeriodSeconds: 5 }\n',
    );
    sidecar.child.kill('SIGHUP');
    const onReload = await sidecar.waitForLog((line) =>
      String(line['warning']).includes('terminationGracePeriodSeconds'),
    );
    assert.match(
      String(onReload['warning']),
      /^checks\[0\]\.livenessProbe\.terminationGracePeriodSeconds: is ignored: .* \(line 3, column 51\)$/,
    );
  });

  it('refuses a config file that never ends (/dev/zero) after 1 MiB, without reading it all', async () => {
    const result = await runCli(['validate', '--config', '/dev/zero']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\(file\): is larger than 1024 KiB/);
  });

  it('substitutes ${VAR} typed as YAML types it: a port from the environment is a number', async (t) => {
    const db = await tcpTarget();
    t.after(() => db.close());
    const file = temp.write(
      'env.yaml',
      'checks:\n  - name: db\n    tcpSocket:\n      host: ${DB_HOST:-127.0.0.1}\n      port: ${DB_PORT}\n    periodSeconds: ${PERIOD}\n',
    );
    const env = { DB_PORT: String(db.port), PERIOD: '0.1' };
    const valid = await runCli(['validate', '--config', file], { env });
    assert.deepEqual([valid.code, valid.stdout, valid.stderr], [0, 'env.yaml: valid, 1 check (db)\n', '']);
    const sidecar = await startServe(['--config', file], env);
    t.after(() => sidecar.kill());
    await until(async () => (await kubeProbe(`${sidecar.url}/readyz`)).status === 200);
    const json = JSON.parse((await kubeProbe(`${sidecar.url}/readyz/db?format=json`)).body);
    assert.equal(json.checks.db[0].status, 'pass');
  });
});
