// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} references on purpose
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Engine, resolveCheck } from '@probekit/core';
import { loadConfig, SERVER_DEFAULTS } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'probekit-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

function file(text: string, extension = 'yaml'): string {
  const path = join(dir, `config-${++counter}.${extension}`);
  writeFileSync(path, text);
  return path;
}

/** The problems loading `text` reports, as `path: message` lines. */
async function problems(
  text: string,
  env: Record<string, string> = {},
  targets: string[] = [],
): Promise<string[]> {
  const error = await loadConfig({ file: file(text), env, targets }).then(
    () => assert.fail('expected a ConfigError'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof ConfigError, String(error));
  assert.equal(error.code, 'PROBEKIT_CONFIG_INVALID');
  return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

const DESIGN_EXAMPLE = `
server: { port: 8099, host: 0.0.0.0 }
defaults: { periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3 }
checks:
  - name: db
    tcpSocket: { host: postgres.default.svc, port: 5432 }
  - name: app
    httpGet: { path: /healthz, port: 8080, httpHeaders: [{ name: X-Probe, value: "1" }] }
    probes: [readiness, liveness]
  - name: ready-file
    exec: { command: [test, -f, /var/ready] }
    critical: false
`;

describe('loadConfig', () => {
  it('resolves the checks once, with core: the engine takes them as they are', async () => {
    const config = await loadConfig({ file: file(DESIGN_EXAMPLE), env: {} });
    for (const check of config.checks) {
      assert.ok(Object.isFrozen(check));
      assert.equal(resolveCheck(check), check);
    }
    const engine = new Engine({ checks: config.checks });
    assert.deepEqual(engine.checks, config.checks);
    await engine.stop();
  });

  it("loads DESIGN.md's example: Kubernetes Probe objects, defaults applied, host 127.0.0.1", async () => {
    const config = await loadConfig({ file: file(DESIGN_EXAMPLE), env: {} });
    assert.deepEqual(config.server, { port: 8099, host: '0.0.0.0', shutdownDelaySeconds: 5, details: true });
    assert.deepEqual(
      config.checks.map((spec) => [
        spec.name,
        spec.prober.target,
        spec.periodSeconds,
        spec.probes,
        spec.critical,
      ]),
      [
        ['db', 'tcp://postgres.default.svc:5432', 5, ['readiness'], true],
        ['app', 'http://127.0.0.1:8080/healthz', 5, ['readiness', 'liveness'], true],
        ['ready-file', 'exec:test -f /var/ready', 5, ['readiness'], false],
      ],
    );
  });

  it('reads JSON as well', async () => {
    const config = await loadConfig({
      file: file('{"checks": [{"name": "db", "tcpSocket": {"port": 5432}, "periodSeconds": 0.5}]}', 'json'),
      env: {},
    });
    assert.equal(config.checks[0]?.periodSeconds, 0.5);
    assert.deepEqual(config.server, SERVER_DEFAULTS);
  });

  it('applies defaults.successThreshold to readiness-only checks, where it is allowed', async () => {
    const config = await loadConfig({
      file: file(`
defaults: { successThreshold: 2 }
checks:
  - { name: ready, tcpSocket: { port: 1 } }
  - { name: live, tcpSocket: { port: 1 }, probes: [liveness] }
`),
      env: {},
    });
    assert.deepEqual(
      config.checks.map((check) => check.successThreshold),
      [2, 1],
    );
  });

  it('adds --check targets after the file, named after the target, with the file defaults', async () => {
    const config = await loadConfig({
      file: file('defaults: { periodSeconds: 2 }\nchecks: []\n'),
      targets: ['tcp://127.0.0.1:5432', 'exec:true'],
      env: {},
    });
    assert.deepEqual(
      config.checks.map((spec) => [spec.name, spec.periodSeconds, spec.probes]),
      [
        ['tcp-127.0.0.1-5432', 2, ['readiness']],
        ['exec-true', 2, ['readiness']],
      ],
    );
    const inline = await loadConfig({ targets: ['grpc://127.0.0.1:50051/svc'], env: {} });
    assert.equal(inline.source, '--check');
    assert.equal(inline.checks[0]?.name, 'grpc-127.0.0.1-50051-svc');
  });

  it('turns a details token into details behind the token, and blanks it from reasons', async () => {
    const config = await loadConfig({
      file: file('server: { detailsToken: "${PROBE_TOKEN}" }\n'),
      env: { PROBE_TOKEN: 'a-token-of-some-length' },
    });
    assert.deepEqual(config.server.details, { token: 'a-token-of-some-length' });
    assert.ok(config.secrets.includes('a-token-of-some-length'));
  });

  it('takes a probe pasted from a pod spec, still wrapped, as that probe kind', async () => {
    const config = await loadConfig({
      file: file(`
checks:
  - name: app
    critical: false
    readinessProbe:
      httpGet: { path: /ready, port: 8080 }
      periodSeconds: 5
  - name: live
    livenessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 5 }
  - name: boot
    startupProbe:
      exec: { command: [test, -f, /ready] }
`),
      env: {},
    });
    assert.deepEqual(
      config.checks.map((spec) => [
        spec.name,
        spec.prober.target,
        spec.probes,
        spec.periodSeconds,
        spec.failureThreshold,
        spec.critical,
      ]),
      [
        ['app', 'http://127.0.0.1:8080/ready', ['readiness'], 5, 3, false],
        ['live', 'tcp://127.0.0.1:8080', ['liveness'], 10, 5, true],
        ['boot', 'exec:test -f /ready', ['startup'], 10, 3, true],
      ],
    );
    assert.deepEqual(config.warnings, []);
  });

  it('accepts terminationGracePeriodSeconds, with a warning that it does not apply', async () => {
    const config = await loadConfig({
      file: file(`checks:
  - name: live
    livenessProbe:
      tcpSocket: { port: 8080 }
      terminationGracePeriodSeconds: 30
  - name: boot
    exec: { command: ["true"] }
    probes: [startup]
    terminationGracePeriodSeconds: 10
`),
      env: {},
    });
    assert.deepEqual(
      config.checks.map((spec) => spec.name),
      ['live', 'boot'],
    );
    const ignored =
      'is ignored: it is the grace period the kubelet gives a container it kills for a failed liveness or startup probe, and probekit kills nothing';
    assert.deepEqual(config.warnings, [
      { path: 'checks[0].livenessProbe.terminationGracePeriodSeconds', message: ignored, line: 5, column: 7 },
      { path: 'checks[1].terminationGracePeriodSeconds', message: ignored, line: 9, column: 5 },
    ]);
  });

  it('warns that no checks means every probe passes, but loads', async () => {
    for (const text of ['checks: []\n', '', 'server: { port: 8099 }\n']) {
      const config = await loadConfig({ file: file(text), env: {} });
      assert.deepEqual(config.checks, []);
      assert.deepEqual(
        config.warnings.map((warning) => `${warning.path}: ${warning.message}`),
        [
          'checks: is empty: every probe (/livez, /readyz, /startupz) will pass, whatever the state of the app',
        ],
      );
    }
    const inline = await loadConfig({ file: file('checks: []\n'), targets: ['tcp://127.0.0.1:1'], env: {} });
    assert.deepEqual(inline.warnings, []);
  });

  describe('problems, all at once, each with its path', () => {
    const table: [string, string, string[], Record<string, string>?][] = [
      [
        'an unknown key, with the key meant',
        'checks:\n  - { name: a, tcpSocket: { port: 1, hots: x }, periodSecond: 1, Name: b }\n',
        [
          'checks[0].Name: is not a known key; did you mean name?',
          'checks[0].periodSecond: is not a known key; did you mean periodSeconds?',
          'checks[0].tcpSocket.hots: is not a known key; did you mean host?',
        ],
      ],
      [
        'an unknown top-level key',
        'chekcs: []\nextra: 1\n',
        [
          'chekcs: is not a known key; did you mean checks?',
          'extra: is not a known key (known: server, defaults, fleet, checks)',
        ],
      ],
      [
        'a wrong type',
        'checks:\n  - { name: a, tcpSocket: { port: 1 }, critical: "no" }\n',
        ['checks[0].critical: must be true or false'],
      ],
      [
        'a port out of range',
        'checks:\n  - { name: a, httpGet: { port: 70000 } }\n',
        ['checks[0].httpGet.port: must be an integer 1-65535'],
      ],
      [
        'a fractional threshold',
        'checks:\n  - { name: a, tcpSocket: { port: 1 }, failureThreshold: 1.5 }\n',
        ['checks[0].failureThreshold: must be an integer of at least 1'],
      ],
      [
        'a zero period',
        'defaults: { periodSeconds: 0 }\n',
        ['defaults.periodSeconds: must be a positive number of seconds up to 86400'],
      ],
      [
        'a named port',
        'checks:\n  - { name: a, tcpSocket: { port: http } }\n',
        [
          'checks[0].tcpSocket.port: must be an integer 1-65535: "http" is a named port, which only the pod spec resolves; give its number, the containerPort of the entry named "http" in the container\'s ports: list',
        ],
      ],
      [
        'a pasted probe beside probes, or with a field given twice',
        'checks:\n  - { name: a, probes: [liveness], periodSeconds: 2, readinessProbe: { tcpSocket: { port: 1 }, periodSeconds: 3 } }\n',
        [
          'checks[0].probes: cannot be combined with readinessProbe, which already says the probe kind',
          'checks[0].readinessProbe.periodSeconds: is also given beside readinessProbe; give it once',
        ],
      ],
      [
        'a pasted probe without a handler, or beside one',
        'checks:\n  - { name: a, livenessProbe: { periodSeconds: 3 } }\n  - { name: b, exec: { command: [x] }, startupProbe: { exec: { command: [x] } } }\n',
        [
          'checks[0].livenessProbe: must have one of httpGet, tcpSocket, exec or grpc',
          'checks[1]: must have only one of httpGet, tcpSocket, exec or grpc, not exec and startupProbe',
        ],
      ],
      [
        'a bad name',
        'checks:\n  - { name: Bad_Name, tcpSocket: { port: 1 } }\n',
        [
          'checks[0].name: must be 1-63 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit',
        ],
      ],
      ['a missing name', 'checks:\n  - { tcpSocket: { port: 1 } }\n', ['checks[0].name: is required']],
      [
        'no handler',
        'checks:\n  - { name: a }\n',
        ['checks[0]: must have one of httpGet, tcpSocket, exec or grpc'],
      ],
      [
        'two handlers',
        'checks:\n  - { name: a, tcpSocket: { port: 1 }, exec: { command: [test] } }\n',
        ['checks[0]: must have only one of httpGet, tcpSocket, exec or grpc, not tcpSocket and exec'],
      ],
      [
        'duplicate names',
        'checks:\n  - { name: a, tcpSocket: { port: 1 } }\n  - { name: a, tcpSocket: { port: 2 } }\n',
        ['checks[1].name: "a" is already the name of checks[0]'],
      ],
      [
        'the reserved name',
        'checks:\n  - { name: shutdown, tcpSocket: { port: 1 } }\n',
        ['checks[0].name: "shutdown" is reserved for the sidecar\'s own shutdown check'],
      ],
      [
        'successThreshold 2 on liveness',
        'checks:\n  - { name: a, tcpSocket: { port: 1 }, probes: [liveness], successThreshold: 2 }\n',
        ['checks[0].successThreshold: must be 1 for liveness and startup checks, got `2` (number)'],
      ],
      [
        'an unknown probe kind',
        'checks:\n  - { name: a, tcpSocket: { port: 1 }, probes: [readyness] }\n',
        ['checks[0].probes[0]: must be one of startup, liveness, readiness'],
      ],
      [
        'a bad host (core)',
        'checks:\n  - { name: a, tcpSocket: { host: "a b", port: 1 } }\n',
        ['checks[0].tcpSocket.host: must be a host name or IP address, got `"a b"` (string)'],
      ],
      [
        'an unset variable',
        'checks:\n  - { name: a, tcpSocket: { port: "${DB_PORT}" } }\n',
        [
          'checks[0].tcpSocket.port: uses ${DB_PORT}, which is not set (give a default with ${DB_PORT:-value})',
        ],
      ],
      [
        'a malformed reference',
        'checks:\n  - { name: a, exec: { command: [echo, "${1}"] } }\n',
        [
          'checks[0].exec.command[1]: has a "${" that is not ${NAME} or ${NAME:-default} (write $${ for a literal ${)',
        ],
      ],
      [
        'details: false with a token',
        'server: { details: false, detailsToken: "0123456789abcdefg" }\n',
        ['server.detailsToken: cannot be combined with details: false'],
      ],
      [
        'a header value that is not a string',
        'checks:\n  - { name: a, httpGet: { port: 1, httpHeaders: [{ name: X, value: 1 }] } }\n',
        ['checks[0].httpGet.httpHeaders[0].value: must be a string'],
      ],
      [
        'a file that is a list',
        '- a\n- b\n',
        ['(file): must be a mapping with server, defaults, fleet and checks'],
      ],
    ];
    for (const [what, text, expected, env] of table) {
      it(what, async () => assert.deepEqual(await problems(text, env), expected));
    }

    it('reports problems of different checks and sections together, sorted by path', async () => {
      const found = await problems(
        `
server: { port: 70000 }
checks:
  - { name: a, tcpSocket: { port: 0 } }
  - { name: b, tcpSocket: { port: 1 }, probes: [startup], successThreshold: 3 }
  - { name: a, tcpSocket: { port: 1 } }
`,
        {},
        ['nope://x'],
      );
      assert.deepEqual(found, [
        '--check[0]: must be tcp://host:port, http(s)://host[:port][/path], grpc://host:port[/service] or exec:command [args], got `"nope://x"` (string)',
        'checks[0].tcpSocket.port: must be an integer 1-65535',
        'checks[1].successThreshold: must be 1 for liveness and startup checks, got `3` (number)',
        'checks[2].name: "a" is already the name of checks[0]',
        'server.port: must be an integer 0-65535',
      ]);
    });

    it('reports a duplicate name beside schema problems, in the named check or elsewhere', async () => {
      assert.deepEqual(
        await problems(
          'checks:\n  - { name: a, tcpSocket: { port: 0 } }\n  - { name: a, tcpSocket: { port: 2 }, critical: 1 }\n',
        ),
        [
          'checks[0].tcpSocket.port: must be an integer 1-65535',
          'checks[1].critical: must be true or false',
          'checks[1].name: "a" is already the name of checks[0]',
        ],
      );
      assert.deepEqual(
        await problems(
          'defaults: { periodSeconds: 0 }\nchecks:\n  - { name: a, tcpSocket: { port: 1 }, successThreshold: 2, probes: [liveness] }\n  - { name: a, tcpSocket: { port: 2 } }\n',
        ),
        [
          'checks[0].successThreshold: must be 1 for liveness and startup checks, got `2` (number)',
          'checks[1].name: "a" is already the name of checks[0]',
          'defaults.periodSeconds: must be a positive number of seconds up to 86400',
        ],
      );
    });

    it('says where each problem is, by line and column, in YAML and in JSON', async () => {
      const yaml = await loadConfig({
        file: file(
          'checks:\n  - name: a\n    tcpSocket: { port: 70000 }\n    periodSecond: 5\n  - name: a\n    exec: { command: [x] }\n',
        ),
        env: {},
      }).catch((thrown: unknown) => thrown);
      assert.ok(yaml instanceof ConfigError);
      assert.deepEqual(yaml.problems, [
        {
          path: 'checks[0].periodSecond',
          message: 'is not a known key; did you mean periodSeconds?',
          line: 4,
          column: 5,
        },
        { path: 'checks[0].tcpSocket.port', message: 'must be an integer 1-65535', line: 3, column: 18 },
        { path: 'checks[1].name', message: '"a" is already the name of checks[0]', line: 5, column: 5 },
      ]);
      assert.match(
        yaml.message,
        /\n {2}checks\[0\]\.tcpSocket\.port: must be an integer 1-65535 \(line 3, column 18\)\n/,
      );
      const json = await loadConfig({
        file: file('{\n  "checks": [\n    { "name": "a", "tcpSocket": { "port": 0 } }\n  ]\n}\n', 'json'),
        env: {},
      }).catch((thrown: unknown) => thrown);
      assert.ok(json instanceof ConfigError);
      assert.deepEqual(json.problems, [
        { path: 'checks[0].tcpSocket.port', message: 'must be an integer 1-65535', line: 3, column: 35 },
      ]);
    });

    it('names the variable a bad substituted value came from', async () => {
      const text =
        'checks:\n  - name: a\n    tcpSocket: { host: "${DB_HOST}", port: "${DB_PORT}" }\n    periodSeconds: "${PERIOD:-soon}"\n';
      assert.deepEqual(await problems(text, { DB_HOST: '', DB_PORT: '54x32' }), [
        'checks[0].periodSeconds: ${PERIOD:-soon} is "soon", not a positive number of seconds up to 86400',
        'checks[0].tcpSocket.host: ${DB_HOST} is empty, not a host name or IP address',
        'checks[0].tcpSocket.port: ${DB_PORT} is "54x32", not a port number',
      ]);
      // Refused by core rather than the schema, and a reference inside a longer text.
      assert.deepEqual(
        await problems(
          'checks:\n  - { name: a, tcpSocket: { host: "${DB_HOST}", port: 1 } }\n  - { name: b, tcpSocket: { host: "${SUB}.svc", port: 70000 } }\n',
          { DB_HOST: 'a b', SUB: '', PORT: '70000' },
        ),
        [
          'checks[0].tcpSocket.host: ${DB_HOST} is "a b", not a host name or IP address',
          'checks[1].tcpSocket.port: must be an integer 1-65535',
        ],
      );
    });

    it('refuses credentials in a URL, masked, and says to send an Authorization header instead', async () => {
      const found = await problems(
        `checks:
  - { name: a, httpGet: { host: "admin:hunter22@db", port: 80 } }
  - { name: b, httpGet: { port: 80, path: "http://admin:hunter22@db/x" } }
  - { name: c, readinessProbe: { httpGet: { host: "s3cr3t-token@db", port: 80 } } }
`,
        {},
        ['http://admin:hunter22@127.0.0.1:8080/healthz'],
      );
      for (const line of found) assert.ok(!/hunter22|s3cr3t/.test(line), line);
      const header =
        'httpHeaders: [{ name: Authorization, value: "${HTTP_AUTH}" }], HTTP_AUTH being "Basic <base64 of user:password>"';
      assert.deepEqual(found, [
        `--check[0]: must not carry credentials ("http://***@127.0.0.1:8080/healthz"): a --check target sends no headers; write the check in the config file with ${header}`,
        `checks[0].httpGet.host: must not carry credentials ("admin:***@db"): send an Authorization header instead, ${header}`,
        `checks[1].httpGet.path: must not carry credentials ("http://***@db/x"): send an Authorization header instead, ${header}`,
        `checks[2].readinessProbe.httpGet.host: must not carry credentials ("***@db"): send an Authorization header instead, ${header}`,
      ]);
    });

    it('never repeats a substituted secret in a message', async () => {
      const found = await problems(
        'checks:\n  - { name: a, tcpSocket: { host: "${DB_PASSWORD}", port: 1 } }\n',
        {
          DB_PASSWORD: 'hunter2 hunter2',
        },
      );
      assert.equal(found.length, 1);
      assert.ok(!found[0]?.includes('hunter2'), found[0]);
    });

    it('names a missing file by the path as given, not its basename', async () => {
      for (const path of ['/etc/probekit/probekit.yaml', join(dir, 'missing.yaml'), 'missing.yaml']) {
        const error = await loadConfig({ file: path, env: {} }).catch((thrown: unknown) => thrown);
        assert.ok(error instanceof ConfigError);
        assert.equal(error.source, path);
        assert.deepEqual(error.problems, [{ path: '(file)', message: 'cannot be read: does not exist' }]);
        assert.ok(
          error.message.startsWith(`${path} is not valid (1 problem):\n  (file): cannot be read`),
          error.message,
        );
      }
    });
  });
});
