import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultCheckName, parseTarget } from '../../src/checks/target.js';
import { InvalidCheckError } from '../../src/errors.js';

const NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;

describe('parseTarget', () => {
  const valid: [string, string, string | undefined, unknown][] = [
    [
      'tcp://127.0.0.1:5432',
      'tcpSocket',
      'tcp://127.0.0.1:5432',
      { kind: 'tcpSocket', host: '127.0.0.1', port: 5432 },
    ],
    [
      'tcp://db.default.svc:5432/',
      'tcpSocket',
      'tcp://db.default.svc:5432',
      { kind: 'tcpSocket', host: 'db.default.svc', port: 5432 },
    ],
    ['tcp://[::1]:6379', 'tcpSocket', 'tcp://[::1]:6379', { kind: 'tcpSocket', host: '::1', port: 6379 }],
    [
      'http://127.0.0.1:8080/healthz?full=1#x',
      'httpGet',
      'http://127.0.0.1:8080/healthz?full=1',
      {
        kind: 'httpGet',
        scheme: 'HTTP',
        host: '127.0.0.1',
        port: 8080,
        path: '/healthz?full=1',
        httpHeaders: [],
        verifyTls: false,
      },
    ],
    [
      'https://api.example',
      'httpGet',
      'https://api.example/',
      {
        kind: 'httpGet',
        scheme: 'HTTPS',
        host: 'api.example',
        port: 443,
        path: '/',
        httpHeaders: [],
        verifyTls: false,
      },
    ],
    ['http://api:80/readyz', 'httpGet', 'http://api/readyz', undefined],
    [
      'grpc://127.0.0.1:50051',
      'grpc',
      'grpc://127.0.0.1:50051',
      { kind: 'grpc', host: '127.0.0.1', port: 50051, service: '' },
    ],
    [
      'grpc://127.0.0.1:50051/my.Service',
      'grpc',
      'grpc://127.0.0.1:50051/my.Service',
      { kind: 'grpc', host: '127.0.0.1', port: 50051, service: 'my.Service' },
    ],
    [
      'exec:test -f /var/ready',
      'exec',
      'exec:test -f /var/ready',
      { kind: 'exec', command: ['test', '-f', '/var/ready'], env: {} },
    ],
    [
      'exec:  pg_isready   -h db ',
      'exec',
      'exec:pg_isready -h db',
      { kind: 'exec', command: ['pg_isready', '-h', 'db'], env: {} },
    ],
    // Quoted as a POSIX shell quotes, and nothing more: the words are the argv, no shell runs.
    [
      'exec:sh -c "exit 3"',
      'exec',
      "exec:sh -c 'exit 3'",
      { kind: 'exec', command: ['sh', '-c', 'exit 3'], env: {} },
    ],
    [
      `exec:sh -c 'test -f /x && echo "$HOME" | wc -l'`,
      'exec',
      `exec:sh -c 'test -f /x && echo "$HOME" | wc -l'`,
      { kind: 'exec', command: ['sh', '-c', 'test -f /x && echo "$HOME" | wc -l'], env: {} },
    ],
    [
      `exec:printf "a\\"b\\\\c\\$" it\\'s a\\ b "" ''`,
      'exec',
      undefined,
      { kind: 'exec', command: ['printf', 'a"b\\c$', "it's", 'a b', '', ''], env: {} },
    ],
  ];
  for (const [text, kind, target, identity] of valid) {
    it(`parses ${text}`, () => {
      const prober = parseTarget(text);
      assert.equal(prober.kind, kind);
      if (target !== undefined) assert.equal(prober.target, target);
      if (identity !== undefined) assert.deepEqual(prober.identity, identity);
    });
  }

  const invalid: [string, string][] = [
    ['localhost:5432', 'target: must be tcp://host:port'],
    ['tcp://127.0.0.1', 'target: must name a port 1-65535'],
    ['tcp://127.0.0.1:0', 'target: must name a port 1-65535'],
    ['tcp://127.0.0.1:70000', 'target: must be tcp://host:port'],
    ['tcp://127.0.0.1:5432/x', 'target: must have no path'],
    ['tcp://:5432', 'target: must'],
    ['grpc://h', 'target: must name a port 1-65535'],
    ['grpc://h:1/%ff', 'target: must have a valid service name'],
    ['grpc://h:1/?x', 'target: must have no query'],
    ['ftp://h:21', 'target: must be tcp://host:port'],
    ['exec:', 'target: must name a command after exec:'],
    ['exec:   ', 'target: must name a command after exec:'],
    // What a shell would do more than split: refused, with the way to say it.
    ['exec:sh -c "exit 3', 'target: has an unterminated " quote'],
    ["exec:sh -c 'exit 3", "target: has an unterminated ' quote"],
    ['exec:echo a\\', 'target: ends with a lone \\'],
    ['exec:pg_isready | grep ok', `target: "|" needs a shell: write exec:sh -c '…'`],
    ['exec:a; b', 'target: ";" needs a shell'],
    ['exec:a && b', 'target: "&" needs a shell'],
    ['exec:a > /tmp/x', 'target: ">" needs a shell'],
    ['exec:a < /tmp/x', 'target: "<" needs a shell'],
    ['exec:(a)', 'target: "(" needs a shell'],
    ['exec:ls *.txt', 'target: "*" needs a shell'],
    ['exec:ls file?', 'target: "?" needs a shell'],
    ['exec:ls [ab]', 'target: "[" needs a shell'],
    ['exec:echo $HOME', 'target: "$" needs a shell'],
    ['exec:echo "$HOME"', 'target: "$" needs a shell'],
    ['exec:echo $(id)', 'target: "$" needs a shell'],
    ['exec:echo `id`', 'target: "`" needs a shell'],
    ['exec:echo "`id`"', 'target: "`" needs a shell'],
    ['exec:cat ~/x', 'target: "~" needs a shell'],
    ['exec:echo #note', 'target: "#" needs a shell'],
    ['exec:PGHOST=db pg_isready', 'target: "PGHOST=…" needs a shell'],
    ['', 'target: must be tcp://host:port'],
  ];
  for (const [text, start] of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseTarget(text),
        (error: unknown) =>
          error instanceof InvalidCheckError && error.path === 'target' && error.message.startsWith(start),
      );
    });
  }

  it('refuses credentials in a URL without repeating them', () => {
    assert.throws(
      () => parseTarget('http://admin:hunter2@127.0.0.1:8080/'),
      (error: unknown) =>
        error instanceof InvalidCheckError &&
        error.path === 'target' &&
        /credentials/.test(error.message) &&
        !error.message.includes('hunter2'),
    );
  });
});

describe('defaultCheckName', () => {
  const cases: [string, string][] = [
    ['tcp://127.0.0.1:5432', 'tcp-127.0.0.1-5432'],
    ['http://127.0.0.1:8080/healthz', 'http-127.0.0.1-8080-healthz'],
    ['https://API.example/readyz?token=abc', 'https-api.example-readyz'],
    ['http://user:pw@host/', 'http-host'],
    ['grpc://[::1]:50051/my.Service', 'grpc-1-50051-my.service'],
    ['exec:test -f /var/ready', 'exec-test-f-var-ready'],
    ['---', 'check'],
  ];
  for (const [target, name] of cases) {
    it(`names ${target} ${name}`, () => {
      assert.equal(defaultCheckName(target), name);
      assert.match(name, NAME);
    });
  }

  it('shortens long targets to a valid, distinct name', () => {
    const a = defaultCheckName(`http://127.0.0.1:8080/${'a'.repeat(100)}/one`);
    const b = defaultCheckName(`http://127.0.0.1:8080/${'a'.repeat(100)}/two`);
    assert.match(a, NAME);
    assert.ok(a.length <= 63);
    assert.notEqual(a, b);
  });
});

describe('parseTarget with headers', () => {
  it('gives httpHeaders to an http(s) target and refuses them elsewhere', () => {
    const prober = parseTarget('http://127.0.0.1:8080/x', { httpHeaders: [{ name: 'X-Probe', value: '1' }] });
    assert.deepEqual((prober.identity as { httpHeaders: unknown }).httpHeaders, [
      { name: 'X-Probe', value: '1' },
    ]);
    assert.throws(() => parseTarget('tcp://127.0.0.1:1', { httpHeaders: [{ name: 'X', value: '1' }] }), {
      code: 'PROBEKIT_INVALID_CHECK',
      message: /^target: must be an http\(s\) URL to take headers/,
    });
  });
});
