// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the configs hold ${VAR} references on purpose
// Sentinel secrets in every place a config or a check can hold one — header values, credentials in URLs,
// secret-looking parameters, environment-interpolated values, exec environments, the details token — and every
// output scanned for them: each answer in every format, /metrics, each log line, the CLI's stdout and stderr.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Running, runCli, startServe, tempDir } from '../sidecar/helpers.js';
import { type SdkApp, startSdkApp } from './support/sdk-app.js';

const sentinel = (what: string) => `sentinel-${what}-${randomBytes(6).toString('hex')}`;
const SECRETS = {
  envToken: sentinel('envtoken'),
  envPassword: sentinel('envpassword'),
  cookie: sentinel('cookie'),
  apiKey: sentinel('apikey'),
  basic: sentinel('basic'),
  query: sentinel('query'),
  urlPassword: sentinel('urlpassword'),
  execEnv: sentinel('execenv'),
  printed: sentinel('printed'),
  details: sentinel('detailstoken'),
};

/** The sentinels found in `text`. */
function leaks(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
}

/** GET `url` with `headers`; the status line, the headers and the body, as one text to scan. */
async function fetchAll(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { headers });
  return `${response.status}\n${JSON.stringify([...response.headers])}\n${await response.text()}`;
}

describe('secrets never leave', () => {
  const temp = tempDir();
  const env = {
    PROBEKIT_TEST_TOKEN: SECRETS.envToken,
    DB_PASSWORD: SECRETS.envPassword,
    UPSTREAM_APIKEY: SECRETS.apiKey,
    PROBEKIT_DETAILS_TOKEN: SECRETS.details,
  };
  // An upstream that fails with every header it received in its body: bodies are never echoed into a reason.
  const received: string[] = [];
  const echo = http.createServer((request, response) => {
    received.push(JSON.stringify(request.headers));
    if (request.url?.startsWith('/redirect'))
      return response
        .writeHead(302, { location: `http://user:${SECRETS.urlPassword}@127.0.0.1:1/gone` })
        .end();
    response.writeHead(500).end(JSON.stringify(request.headers));
  });
  let echoPort = 0;
  let sidecar: Running;
  let config = '';

  before(async () => {
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as AddressInfo).port;
    const headers = `[{ name: Authorization, value: "Bearer \${PROBEKIT_TEST_TOKEN}" }, { name: Cookie, value: "session=${SECRETS.cookie}" }, { name: X-Api-Key, value: "\${UPSTREAM_APIKEY}" }, { name: Proxy-Authorization, value: "Basic ${SECRETS.basic}" }]`;
    config = temp.write(
      'probekit.yaml',
      `server: { detailsToken: "\${PROBEKIT_DETAILS_TOKEN}" }
defaults: { periodSeconds: 0.2, failureThreshold: 1 }
checks:
  - name: upstream
    httpGet: { port: ${echoPort}, path: "/fail?token=${SECRETS.query}&x=1", httpHeaders: ${headers} }
  - name: refused
    httpGet: { port: 1, path: "/x?password=${SECRETS.query}", httpHeaders: ${headers} }
  - name: redirected
    httpGet: { port: ${echoPort}, path: /redirect }
  - name: printer
    exec:
      command: [sh, -c, 'echo "$API_TOKEN $PGPASS postgres://app:${SECRETS.urlPassword}@db/x Authorization: Bearer ${SECRETS.printed}"; exit 1']
      env: { API_TOKEN: "\${PROBEKIT_TEST_TOKEN}", PGPASS: "\${DB_PASSWORD}", CLIENT_SECRET: "${SECRETS.execEnv}" }
  - name: printer-env
    exec: { command: [sh, -c, 'echo "$CLIENT_SECRET"; exit 1'], env: { CLIENT_SECRET: "${SECRETS.execEnv}" } }
`,
    );
    sidecar = await startServe(['--config', config], env);
    // Every check has run and failed, so that each reason has been written.
    const auth = { authorization: `Bearer ${SECRETS.details}` };
    for (let round = 0; round < 100; round++) {
      const body = await fetchAll(`${sidecar.url}/readyz?verbose`, auth);
      if ((body.match(/\[-\]/g) ?? []).length === 5 && !body.includes('no result yet')) break;
      await sleep(50);
    }
  });
  after(async () => {
    await sidecar?.kill();
    echo.close();
    temp.remove();
  });

  it('the secrets were in play: sent upstream, and reasons were redacted rather than empty', async () => {
    assert.ok(
      received.some((headers) => headers.includes(SECRETS.envToken) && headers.includes(SECRETS.cookie)),
    );
    const verbose = await fetchAll(`${sidecar.url}/readyz?verbose`, {
      authorization: `Bearer ${SECRETS.details}`,
    });
    assert.match(
      verbose,
      /\[-\]printer failed: exit code 1: \*\*\* \*\*\* postgres:\/\/\*\*\*@db\/x Authorization: \*\*\*/,
    );
    assert.match(verbose, /\[-\]printer-env failed: exit code 1: \*\*\*/);
    assert.match(
      verbose,
      /\[-\]refused failed: GET http:\/\/127\.0\.0\.1:1\/x\?password=\*\*\*: connect ECONNREFUSED/,
    );
    assert.match(verbose, /\[-\]upstream failed: HTTP probe failed with statuscode: 500/);
    assert.match(verbose, /\[-\]redirected failed: GET http:\/\/127\.0\.0\.1:1\/gone: connect ECONNREFUSED/);
  });

  it('in no answer, with or without the details token, in any format, nor in /metrics', async () => {
    const paths = [
      '/readyz',
      '/readyz?verbose',
      '/healthz?verbose',
      '/livez?verbose',
      '/startupz?verbose',
      '/readyz?format=json',
      '/healthz?format=json',
      '/readyz/upstream',
      '/readyz/printer?verbose',
      '/readyz/refused?format=json',
      '/healthz/redirected',
      '/metrics',
    ];
    const asks = [
      {},
      { authorization: `Bearer ${SECRETS.details}` },
      { accept: 'application/health+json', authorization: `Bearer ${SECRETS.details}` },
    ];
    for (const path of paths) {
      for (const headers of asks)
        assert.deepEqual(leaks(await fetchAll(`${sidecar.url}${path}`, headers)), [], path);
    }
  });

  it('in no log line', () => {
    assert.ok(
      sidecar.logs.some(
        (line) => line.msg === 'check state changed' && String(line['reason']).includes('***'),
      ),
    );
    assert.deepEqual(leaks(JSON.stringify(sidecar.logs)), []);
    assert.deepEqual(leaks(sidecar.stderr()), []);
  });

  it('in no CLI output: check, validate, probe, wait', async () => {
    const outputs = [
      await runCli(['check', '--config', config], { env }),
      // A config error that quotes the value of a secret variable.
      await runCli(
        [
          'validate',
          '--config',
          temp.write('bad.yaml', 'checks:\n  - { name: a, tcpSocket: { port: "${DB_PASSWORD}" } }\n'),
        ],
        { env },
      ),
      await runCli(
        ['probe', `http://user:${SECRETS.urlPassword}@127.0.0.1:${echoPort}/fail?token=${SECRETS.query}`],
        { env },
      ),
      await runCli(
        ['wait', '--for', `http://user:${SECRETS.urlPassword}@127.0.0.1:1/`, '--timeout', '500ms'],
        { env },
      ),
      await runCli(['check', '--check', `http://127.0.0.1:${echoPort}/fail?token=${SECRETS.query}`], { env }),
      // Refused arguments are echoed in the error: blanked there too (an exec probe's output lands in events).
      await runCli(['wait', '--for', `tcp://127.0.0.1:1/x?password=${SECRETS.query}`], { env }),
      await runCli(['wait', '--for', `http://127.0.0.1:1/?token=${SECRETS.query}`, '--timeout', '500ms'], {
        env,
      }),
      await runCli(
        ['probe', '--header', `Authorization Bearer ${SECRETS.basic}`, `http://127.0.0.1:${echoPort}/`],
        { env },
      ),
      await runCli(['probe', '--header', `Authorization: Bearer ${SECRETS.basic}`, 'http://127.0.0.1:1/'], {
        env,
      }),
    ];
    assert.equal(outputs[1]!.code, 2, 'the broken config was refused');
    for (const output of outputs)
      assert.deepEqual(leaks(`${output.stdout}\n${output.stderr}`), [], JSON.stringify(output));
  });

  describe('SDK', () => {
    let app: SdkApp;
    before(async () => {
      app = await startSdkApp('node', { SECRET: SECRETS.envToken });
    });
    after(() => app?.stop());

    it('a check throwing the secret in URLs, parameters, headers and plain text: redacted everywhere', async () => {
      const base = `http://127.0.0.1:${app.probePort}`;
      for (let round = 0; round < 100; round++) {
        if ((await fetchAll(`${base}/readyz?verbose`)).includes('[-]leaky failed: connect')) break;
        await sleep(50);
      }
      const verbose = await fetchAll(`${base}/readyz?verbose`);
      assert.match(
        verbose,
        /\[-\]leaky failed: connect to postgres:\/\/\*\*\*@db\/x failed; token=\*\*\*; Authorization: \*\*\*; \*\*\*/,
      );
      for (const path of ['/readyz?verbose', '/healthz?format=json', '/readyz/leaky', '/metrics'])
        assert.deepEqual(leaks(await fetchAll(`${base}${path}`)), [], path);
      assert.deepEqual(leaks(app.log.join('\n')), []);
    });
  });
});
