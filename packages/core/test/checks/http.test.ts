import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { httpGet } from '../../src/checks/http.js';
import { InvalidCheckError } from '../../src/errors.js';
import { VERSION } from '../../src/version.js';

const fixtures = new URL('./fixtures/', import.meta.url);
const BIG = 'SECRET-BODY-'.repeat(10_000); // ~120 KiB

/** Requests seen per path, and a promise per path that resolves when the server sees that connection close. */
const seen = new Map<string, IncomingHttpHeaders[]>();
const closed = new Map<string, Promise<void>>();
let port = 0;
let otherPort = 0;

function route(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? '/';
  seen.set(path, [...(seen.get(path) ?? []), req.headers]);
  closed.set(path, new Promise((resolve) => res.on('close', resolve)));
  const redirect = (location: string) => res.writeHead(302, { Location: location }).end();
  const chain = /^\/chain\/(\d+)$/.exec(path);
  if (chain) return Number(chain[1]) === 0 ? res.end('ok') : redirect(`/chain/${Number(chain[1]) - 1}`);
  switch (path.replace(/\?.*$/, '')) {
    case '/ok':
    case '/headers':
      return res.end('ok');
    case '/redirect-same':
      return redirect('/ok?from=same');
    case '/redirect-port':
      return redirect(`http://127.0.0.1:${otherPort}/ok`);
    case '/redirect-host':
      // Would fail if followed: the other host answers 500.
      return redirect(`http://localhost:${port}/status-500`);
    case '/redirect-host-header':
      return redirect('/headers?after-redirect');
    case '/redirect-ftp':
      return redirect('ftp://127.0.0.1/file');
    case '/redirect-invalid':
      return redirect('http://[not-an-ip/');
    case '/loop':
      return redirect('/loop');
    case '/not-modified':
      return res.writeHead(304).end();
    case '/status-500':
      return res.writeHead(500).end(BIG);
    case '/big':
      return res.end(BIG);
    case '/hang':
      return; // never answers
    case '/drip': {
      res.writeHead(200, { 'Content-Length': '1000000' });
      const timer = setInterval(() => res.write('x'), 20);
      return res.on('close', () => clearInterval(timer));
    }
    case '/endless': {
      res.writeHead(200);
      const pump = () => {
        while (!res.destroyed && res.write(Buffer.alloc(16 * 1024, 'y')));
      };
      res.on('drain', pump);
      return pump();
    }
    case '/reset-mid-body':
      res.writeHead(200, { 'Content-Length': '100000' });
      res.write('partial');
      return setTimeout(() => res.socket?.resetAndDestroy(), 20);
    default:
      return res.writeHead(404).end();
  }
}

const server = http.createServer(route);
const other = http.createServer((_req, res) => res.end('other port'));
const tlsServer = https.createServer(
  {
    key: readFileSync(new URL('test-only-key.pem', fixtures)),
    cert: readFileSync(new URL('test-only-cert.pem', fixtures)),
  },
  (_req, res) => res.end('tls'),
);
// Raw TCP servers for what no HTTP server would send.
const garbage = net.createServer((socket) => socket.end('garbage\r\nmore garbage\r\n\r\n'));
const reset = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));

function listen(s: net.Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => s.listen(0, host, () => resolve((s.address() as AddressInfo).port)));
}

function close(s: net.Server): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => resolve());
    if (s instanceof http.Server) s.closeAllConnections();
  });
}

const probe = (path: string, extra: Partial<Parameters<typeof httpGet>[0]> = {}) =>
  httpGet({ port, path, ...extra });

before(async () => {
  port = await listen(server);
  otherPort = await listen(other);
});

after(() => Promise.all([server, other, tlsServer, garbage, reset].map(close)));

describe('httpGet: status and redirects (kubelet rules)', () => {
  it('passes on 200 and reports the response time in ms', async () => {
    const outcome = await probe('/ok').run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, true);
    assert.equal(outcome.output, undefined);
    assert.equal(outcome.observedUnit, 'ms');
    assert.equal(typeof outcome.observedValue, 'number');
  });

  it('fails on 500 without echoing the body', async () => {
    const outcome = await probe('/status-500').run(AbortSignal.timeout(2000));
    assert.deepEqual(
      { ok: outcome.ok, output: outcome.output },
      { ok: false, output: 'HTTP probe failed with statuscode: 500' },
    );
  });

  it('follows a redirect to the same host, another path', async () => {
    const outcome = await probe('/redirect-same').run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, true);
    assert.equal(outcome.warning, undefined);
    assert.equal(seen.get('/ok?from=same')?.length, 1);
  });

  it('follows a redirect to the same host on another port (the port is not compared)', async () => {
    const outcome = await probe('/redirect-port').run(AbortSignal.timeout(2000));
    assert.deepEqual(outcome.ok, true);
    assert.equal(outcome.warning, undefined);
  });

  it('does not follow a redirect to another host: success with a warning', async () => {
    const outcome = await probe('/redirect-host').run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, true);
    assert.match(outcome.warning ?? '', /^Probe terminated redirects/);
    assert.equal(seen.get('/status-500')?.some((h) => h.host?.startsWith('localhost')) ?? false, false);
  });

  it('counts a 3xx that is not followed as success with a warning', async () => {
    const outcome = await probe('/not-modified').run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, true);
    assert.match(outcome.warning ?? '', /Probe terminated redirects \(304\)/);
  });

  it('follows exactly 10 redirects and fails on the 11th', async () => {
    assert.equal((await probe('/chain/10').run(AbortSignal.timeout(2000))).ok, true);
    const outcome = await probe('/chain/11').run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /stopped after 10 redirects$/);
    assert.equal(seen.get('/chain/0')?.length, 1); // reached from /chain/10 only
  });

  it('fails on a same-host redirect it cannot follow', async () => {
    assert.deepEqual(await probe('/redirect-ftp').run(AbortSignal.timeout(2000)), {
      ok: false,
      output: `GET http://127.0.0.1:${port}/redirect-ftp: unsupported protocol in redirect: ftp:`,
    });
    assert.deepEqual(await probe('/redirect-invalid').run(AbortSignal.timeout(2000)), {
      ok: false,
      output: `GET http://127.0.0.1:${port}/redirect-invalid: invalid Location in a 302 response`,
    });
  });

  it('fails a redirect loop after 11 requests', async () => {
    const outcome = await probe('/loop').run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /stopped after 10 redirects/);
    assert.equal(seen.get('/loop')?.length, 11);
  });
});

describe('httpGet: headers', () => {
  it('sends User-Agent, Accept, Connection: close and no Accept-Encoding by default', async () => {
    assert.equal((await probe('/headers').run(AbortSignal.timeout(2000))).ok, true);
    const headers = seen.get('/headers')?.at(-1);
    assert.equal(headers?.['user-agent'], `probekit/${VERSION}`);
    assert.equal(headers?.accept, '*/*');
    assert.equal(headers?.connection, 'close');
    assert.equal(headers?.['accept-encoding'], undefined);
    assert.equal(headers?.host, `127.0.0.1:${port}`);
  });

  it('sends custom headers, which override the defaults; an empty User-Agent or Accept removes it', async () => {
    const httpHeaders = [
      { name: 'X-Probe', value: '1' },
      { name: 'user-agent', value: '' },
      { name: 'Accept', value: '' },
      { name: 'X-Many', value: 'a' },
      { name: 'X-Many', value: 'b' },
    ];
    assert.equal((await probe('/headers', { httpHeaders }).run(AbortSignal.timeout(2000))).ok, true);
    const headers = seen.get('/headers')?.at(-1);
    assert.equal(headers?.['x-probe'], '1');
    assert.equal(headers?.['user-agent'], undefined);
    assert.equal(headers?.accept, undefined);
    assert.equal(headers?.['x-many'], 'a, b');

    const custom = [{ name: 'Accept', value: 'application/json' }];
    await probe('/headers', { httpHeaders: custom }).run(AbortSignal.timeout(2000));
    assert.equal(seen.get('/headers')?.at(-1)?.accept, 'application/json');
  });

  it('takes Host from the headers, and keeps it through a relative redirect', async () => {
    const httpHeaders = [{ name: 'Host', value: 'app.example' }];
    assert.equal(
      (await probe('/redirect-host-header', { httpHeaders }).run(AbortSignal.timeout(2000))).ok,
      true,
    );
    assert.equal(seen.get('/redirect-host-header')?.at(-1)?.host, 'app.example');
    assert.equal(seen.get('/headers?after-redirect')?.at(-1)?.host, 'app.example');
  });
});

describe('httpGet: bounded by the body cap and the abort signal', () => {
  it('reads at most 10 KiB of an endless body, then closes the connection', async () => {
    const started = performance.now();
    const outcome = await probe('/endless').run(AbortSignal.timeout(5000));
    assert.equal(outcome.ok, true);
    assert.ok(performance.now() - started < 1000);
    await closed.get('/endless'); // the server sees the client go
  });

  it('reads a large body capped, and never puts it in the output', async () => {
    const outcome = await probe('/big').run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, true);
    assert.doesNotMatch(JSON.stringify(outcome), /SECRET/);
    await closed.get('/big');
  });

  for (const path of ['/hang', '/drip']) {
    it(`aborts ${path} at the timeout and closes the connection`, async () => {
      const started = performance.now();
      const outcome = await probe(path).run(AbortSignal.timeout(300));
      const elapsed = performance.now() - started;
      assert.equal(outcome.ok, false);
      assert.match(outcome.output ?? '', new RegExp(`^GET http://127\\.0\\.0\\.1:${port}${path}: .*timeout`));
      assert.ok(elapsed >= 290 && elapsed < 800, `settled after ${elapsed} ms`);
      await closed.get(path);
    });
  }

  it('returns at once on a signal that is already aborted', async () => {
    const outcome = await probe('/ok').run(AbortSignal.abort());
    assert.equal(outcome.ok, false);
  });
});

describe('httpGet: a target that is down is an outcome, never a throw', () => {
  it('fails on a refused connection', async () => {
    const s = net.createServer();
    const freePort = await listen(s);
    await close(s);
    const outcome = await httpGet({ port: freePort, path: '/x' }).run(AbortSignal.timeout(2000));
    assert.deepEqual(outcome, {
      ok: false,
      output: `GET http://127.0.0.1:${freePort}/x: connect ECONNREFUSED 127.0.0.1:${freePort}`,
    });
  });

  it('fails on garbage instead of HTTP', async () => {
    const outcome = await httpGet({ port: await listen(garbage) }).run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /Parse Error/);
  });

  it('fails on a connection reset before the response', async () => {
    const outcome = await httpGet({ port: await listen(reset) }).run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /ECONNRESET|socket hang up/);
  });

  it('fails on a connection reset in the middle of the body', async () => {
    const outcome = await probe('/reset-mid-body').run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/reset-mid-body: /);
  });
});

describe('httpGet: HTTPS', () => {
  it('does not verify the certificate unless asked, like the kubelet', async () => {
    const tlsPort = await listen(tlsServer);
    const outcome = await httpGet({ port: tlsPort, scheme: 'https' }).run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, true);
    const verified = await httpGet({ port: tlsPort, scheme: 'HTTPS', verifyTls: true }).run(
      AbortSignal.timeout(2000),
    );
    assert.equal(verified.ok, false);
    assert.match(verified.output ?? '', /^GET https:\/\/127\.0\.0\.1:\d+\/: .*(self-signed|certificate)/);
  });
});

describe('httpGet: options', () => {
  it('describes its target without header values, and has a JSON identity', () => {
    const prober = httpGet({
      port: 8080,
      path: 'healthz?full=1',
      httpHeaders: [{ name: 'Authorization', value: 'Bearer s3cret' }],
    });
    assert.equal(prober.kind, 'httpGet');
    assert.equal(prober.target, 'http://127.0.0.1:8080/healthz?full=1');
    assert.equal(prober.componentType, 'component');
    assert.deepEqual(JSON.parse(JSON.stringify(prober.identity)), prober.identity);
    assert.deepEqual(
      prober.identity,
      httpGet({
        port: 8080,
        path: 'healthz?full=1',
        httpHeaders: [{ name: 'Authorization', value: 'Bearer s3cret' }],
      }).identity,
    );
    assert.notDeepEqual(prober.identity, httpGet({ port: 8080, path: 'healthz?full=1' }).identity);
    assert.equal(httpGet({ host: '::1', port: 443, scheme: 'HTTPS' }).target, 'https://[::1]/');
  });

  it('masks secret-looking query parameters in its target', () => {
    const prober = httpGet({ port: 8080, path: '/healthz?full=1&token=s3cret&api_key=k3y' });
    assert.equal(prober.target, 'http://127.0.0.1:8080/healthz?full=1&token=***&api_key=***');
  });

  const invalid: [string, unknown, string][] = [
    ['port 0', { port: 0 }, 'httpGet.port: must be an integer 1-65535, got `0` (number)'],
    ['port too big', { port: 70000 }, 'httpGet.port: must be an integer 1-65535, got `70000` (number)'],
    ['port as a string', { port: '80' }, 'httpGet.port: must be an integer 1-65535, got `"80"` (string)'],
    ['no port', {}, 'httpGet.port: must be an integer 1-65535, got `undefined` (undefined)'],
    ['scheme', { port: 80, scheme: 'ftp' }, 'httpGet.scheme: must be HTTP or HTTPS, got `"ftp"` (string)'],
    [
      'host with userinfo',
      { port: 80, host: 'u:p@h' },
      'httpGet.host: must be a host name or IP address, got `"u:p@h"` (string)',
    ],
    [
      'unknown option',
      { port: 80, header: [] },
      'httpGet.header: is not an option (known: host, port, path, scheme, httpHeaders, verifyTls), got `"header"` (string)',
    ],
    [
      'header name',
      { port: 80, httpHeaders: [{ name: 'X Y', value: '1' }] },
      'httpGet.httpHeaders[0].name: must be an HTTP header name, got `"X Y"` (string)',
    ],
    [
      'header value',
      { port: 80, httpHeaders: [{ name: 'X', value: 'a\nb' }] },
      'httpGet.httpHeaders[0].value: must be a string without control characters, got `"string"` (string)',
    ],
    [
      'verifyTls',
      { port: 80, verifyTls: 'yes' },
      'httpGet.verifyTls: must be a boolean, got `"yes"` (string)',
    ],
  ];
  for (const [name, options, message] of invalid) {
    it(`refuses an invalid ${name}`, () => {
      assert.throws(
        () => httpGet(options as never),
        (error: unknown) => {
          assert.ok(error instanceof InvalidCheckError);
          assert.equal(error.message, message);
          return true;
        },
      );
    });
  }
});
