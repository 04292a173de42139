// `probekit doctor` through the real binary, against real listeners on 127.0.0.1, 0.0.0.0 and ::1; 127.0.0.2 (a
// loopback alias, routed to lo by Linux) stands for the pod address.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FINDING_IDS } from '../../packages/sidecar/src/doctor/findings.js';
import { runCli, tempDir } from './helpers.js';

const POD = { POD_IP: '127.0.0.2', POD_NAME: 'web-1', POD_NAMESPACE: 'shop' };
const IN_CLUSTER = { ...POD, KUBERNETES_SERVICE_HOST: '10.96.0.1' };
const FINDING = new RegExp(`^doctor: (${FINDING_IDS.join('|')}): \\S.*$`);

async function listen(server: Server, host: string): Promise<number> {
  server.listen(0, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** The finding lines of the output, each checked against the one format; nothing else may start with `doctor:`. */
function findings(stdout: string): string[] {
  const lines = stdout.split('\n').filter((line) => line.startsWith('doctor:'));
  for (const line of lines) assert.match(line, FINDING);
  return lines;
}

describe('probekit doctor', () => {
  const ok = (_request: http.IncomingMessage, response: http.ServerResponse) => response.end('ok');
  const loopbackApp = http.createServer(ok);
  const wildcardApp = http.createServer(ok);
  const ipv6Cache = createServer((socket) => socket.destroy());
  const files = tempDir('probekit-doctor-');
  let loopbackPort = 0;
  let wildcardPort = 0;
  let ipv6Port = 0;
  let closedPort = 0;

  before(async () => {
    [loopbackPort, wildcardPort, ipv6Port] = await Promise.all([
      listen(loopbackApp, '127.0.0.1'),
      listen(wildcardApp, '0.0.0.0'),
      listen(ipv6Cache, '::1'),
    ]);
    const closed = createServer();
    closedPort = await listen(closed, '127.0.0.1');
    await new Promise((resolve) => closed.close(resolve));
  });
  after(() => {
    for (const server of [loopbackApp, wildcardApp, ipv6Cache]) server.close();
    files.remove();
  });

  it('reports each classic cause on its own line, and exits 1', async () => {
    const config = files.write(
      'broken.yaml',
      `server: { host: 127.0.0.1, port: ${wildcardPort} }
checks:
  - name: app
    httpGet: { port: ${loopbackPort}, path: / }
  - name: api
    httpGet: { port: ${wildcardPort}, path: / }
  - name: cache
    tcpSocket: { host: "::1", port: ${ipv6Port} }
  - name: gone
    tcpSocket: { port: ${closedPort} }
  - name: via-pod-ip
    tcpSocket: { host: "\${POD_IP}", port: ${loopbackPort} }
`,
    );
    const result = await runCli(['doctor', '--config', config], { env: IN_CLUSTER });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.deepEqual(findings(result.stdout), [
      `doctor: self-loopback: probekit serves on 127.0.0.1:${wildcardPort} (server.host), but the kubelet probes the pod address: every probe of it fails; set server.host to 0.0.0.0 (the default) or ::`,
      `doctor: loopback-only: port ${loopbackPort} (check app, check via-pod-ip) accepts connections on 127.0.0.1 only, but the kubelet and Services connect to the pod address 127.0.0.2:${loopbackPort}: bind it to 0.0.0.0 or :: (fine only if nothing outside this pod uses the port)`,
      `doctor: loopback-only: port ${ipv6Port} (check cache) accepts connections on ::1 only, but the kubelet and Services connect to the pod address 127.0.0.2:${ipv6Port}: bind it to 0.0.0.0 or :: (fine only if nothing outside this pod uses the port)`,
      `doctor: not-listening: check gone: nothing listens on port ${closedPort} (tcp://127.0.0.1:${closedPort})`,
      `doctor: check-failing: check gone (tcpSocket tcp://127.0.0.1:${closedPort}): connect ECONNREFUSED 127.0.0.1:${closedPort}`,
      `doctor: check-failing: check via-pod-ip (tcpSocket tcp://127.0.0.2:${loopbackPort}): connect ECONNREFUSED 127.0.0.2:${loopbackPort}`,
    ]);
    assert.match(
      result.stdout,
      /^probekit doctor: .*broken\.yaml, 5 checks; pod address 127\.0\.0\.2 \(POD_IP\)$/m,
    );
    // Who listens where, as read from /proc/net/tcp and tcp6.
    assert.match(result.stdout, new RegExp(`^127\\.0\\.0\\.1 +${loopbackPort} +no$`, 'm'));
    assert.match(result.stdout, new RegExp(`^0\\.0\\.0\\.0 +${wildcardPort} +yes$`, 'm'));
    assert.match(result.stdout, new RegExp(`^::1 +${ipv6Port} +no$`, 'm'));
    assert.match(result.stdout, /^6 problems found\.$/m);
  });

  it('prints the kubectl commands for what it cannot see, filled in with POD_NAME and POD_NAMESPACE', async () => {
    const result = await runCli(['doctor', '--check', `http://127.0.0.1:${wildcardPort}/`], { env: POD });
    assert.match(result.stdout, /^ {2}kubectl -n shop get pod web-1 -o wide --show-labels$/m);
    assert.match(result.stdout, /^ {2}kubectl -n shop get services -o jsonpath=.*targetPort/m);
    assert.match(result.stdout, /^ {2}kubectl -n shop get endpointslices -o jsonpath=.*"web-1"/m);
    assert.match(result.stdout, /^ {2}kubectl -n shop describe pod web-1$/m);
  });

  it('exits 0 and prints no finding when a listener on 0.0.0.0 serves the pod address and every check passes', async () => {
    const config = files.write(
      'healthy.yaml',
      `server: { host: 0.0.0.0, port: ${wildcardPort} }
checks:
  - name: api
    httpGet: { host: localhost, port: ${wildcardPort}, path: / }
  - name: via-pod-ip
    tcpSocket: { host: 127.0.0.2, port: ${wildcardPort} }
`,
    );
    const result = await runCli(['doctor', '--config', config, '--app-port', String(wildcardPort)], {
      env: IN_CLUSTER,
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(findings(result.stdout), []);
    assert.match(result.stdout, /^Nothing wrong found from inside the pod\.$/m);
  });

  it('checks app ports that no check names', async () => {
    const result = await runCli(
      [
        'doctor',
        '--app-port',
        String(loopbackPort),
        '--app-port',
        String(closedPort),
        '--app-port',
        String(wildcardPort),
      ],
      { env: POD },
    );
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.deepEqual(
      findings(result.stdout).map((line) => line.split(':').slice(0, 2).join(':')),
      ['doctor: loopback-only', 'doctor: not-listening'],
    );
    assert.match(result.stdout, /^probekit doctor: no config, 0 checks;/m);
  });

  it('leaves loopback alone outside a cluster', async () => {
    const result = await runCli(['doctor', '--check', `http://127.0.0.1:${wildcardPort}/`], {
      env: { POD_IP: '127.0.0.2' },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  it('is listed in the help, has its own, and documents every finding id in docs/sidecar.md', async () => {
    const [top, own] = await Promise.all([runCli(['--help']), runCli(['doctor', '--help'])]);
    assert.match(top.stdout, /^ {2}doctor +run the Service troubleshooting checklist/m);
    assert.equal(own.code, 0);
    assert.match(own.stdout, /^Usage: probekit doctor /);
    const docs = readFileSync(new URL('../../docs/sidecar.md', import.meta.url), 'utf8');
    const documented = [...docs.matchAll(/^\| `doctor: ([a-z-]+)` +\|/gm)].map((match) => match[1]);
    assert.deepEqual(documented, [...FINDING_IDS]);
  });

  it('exits 2 for a usage or config error', async () => {
    const bad = files.write('bad.yaml', 'checks: [{ name: x, tcpSocket: { port: 0 } }]\n');
    const results = await Promise.all([
      runCli(['doctor', '--app-port', 'http']),
      runCli(['doctor', '--config', bad]),
      runCli(['doctor', '--nope']),
    ]);
    assert.deepEqual(
      results.map((result) => result.code),
      [2, 2, 2],
    );
    assert.match(results[0]?.stderr ?? '', /--app-port must be an integer 1-65535, got "http"/);
    assert.match(results[1]?.stderr ?? '', /checks\[0\]\.tcpSocket\.port/);
    for (const result of results) assert.deepEqual(findings(result.stdout), []);
  });
});
