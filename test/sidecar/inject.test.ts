// The documented pipe through the real binary, and the rewritten probes asked of a real `probekit serve`
// running the generated config: each container's probe answers for its own old probe, no more and no less.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { httpTarget, kubeProbe, ROOT, runCli, startServe, tempDir } from './helpers.js';

const FIXTURES = join(ROOT, 'packages/sidecar/test/manifests/fixtures');

describe('probekit inject (CLI)', () => {
  it('kubectl get … -o yaml | probekit inject | probekit lint: wired, and clean but for the native-sidecar note', async () => {
    const list = readFileSync(join(FIXTURES, 'web-list.yaml'), 'utf8');
    const injected = await runCli(['inject'], { input: list });
    assert.equal(injected.code, 0, injected.stderr);
    assert.match(
      injected.stderr,
      /^probekit inject: stdin: Deployment\/web: 2 probes moved to ConfigMap web-probekit \(probekit\.yaml\)\n$/,
    );
    assert.deepEqual(
      (parseAllDocuments(injected.stdout)[0]!.toJS() as { items: { kind: string }[] }).items.map(
        (item) => item.kind,
      ),
      ['Deployment', 'ConfigMap'],
    );
    const again = await runCli(['inject', '-f', '-'], { input: injected.stdout });
    assert.equal(again.stdout, injected.stdout);
    const linted = await runCli(['lint'], { input: injected.stdout });
    assert.equal(linted.code, 0, linted.stdout);
    assert.match(linted.stdout, /^stdin:\d+: info native-sidecar-version: /);
  });

  it('exits 2 naming the file for unreadable or malformed input, and for a bad flag', async () => {
    const missing = await runCli(['inject', '-f', 'no/such.yaml']);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /no\/such\.yaml is not valid \(1 problem\):\n {2}\(file\): cannot be read: does not exist/,
    );
    const bad = await runCli(['inject'], {
      input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: 3}\n',
    });
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /stdin document 1 Pod\/p: spec\.containers: must be a non-empty list of containers/,
    );
    const flag = await runCli(['inject', '--check', 'ftp://x']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^probekit inject: --check ftp:\/\/x: must be tcp:\/\//);
    // A port is decimal digits within core's bounds (PORT_FIELD), as everywhere else: not hex, not an exponent.
    for (const port of ['0x50', '1e3', ' 80', '0', '65536']) {
      const result = await runCli(['inject', '--port', port]);
      assert.equal(result.code, 2, port);
      assert.equal(
        result.stderr,
        `probekit inject: --port must be an integer 1-65535, got ${JSON.stringify(port)}\nSee 'probekit inject --help'.\n`,
      );
    }
  });

  it('--config-only prints the ConfigMaps alone', async () => {
    const result = await runCli(['inject', '--config-only', '-f', join(FIXTURES, 'shop.yaml')]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      parseAllDocuments(result.stdout).map(
        (doc) => (doc.toJS() as { metadata: { name: string } }).metadata.name,
      ),
      ['orders-probekit', 'reindex-probekit'],
    );
  });

  it('the rewritten probes, asked of probekit serving the generated config, answer per container', async () => {
    const api = await httpTarget();
    const worker = await httpTarget();
    const temp = tempDir();
    try {
      const manifest = `apiVersion: v1
kind: Pod
metadata: { name: duo }
spec:
  containers:
    - name: api
      ports: [{ name: http, containerPort: ${api.port} }]
      readinessProbe: { httpGet: { path: /ready, port: http }, periodSeconds: 1, failureThreshold: 1 }
    - name: worker
      ports: [{ containerPort: ${worker.port} }]
      readinessProbe: { httpGet: { path: /ready, port: ${worker.port} }, periodSeconds: 1, failureThreshold: 1 }
`;
      const injected = await runCli(['inject'], { input: manifest });
      assert.equal(injected.code, 0, injected.stderr);
      const [pod, configMap] = parseAllDocuments(injected.stdout).map((doc) => doc.toJS());
      const path = (index: number): string => pod.spec.containers[index].readinessProbe.httpGet.path;
      assert.deepEqual(
        [path(0), path(1)],
        ['/readyz?exclude=worker-readiness', '/readyz?exclude=api-readiness'],
      );
      const file = temp.write('probekit.yaml', configMap.data['probekit.yaml']);
      // The moved probes target ${POD_IP}: here the pod is the loopback interface.
      const serve = await startServe(['--config', file], { POD_IP: '127.0.0.1' });
      try {
        const ask = async (index: number) => (await kubeProbe(`${serve.url}${path(index)}`)).status;
        const until = async (index: number, status: number) => {
          for (let tries = 0; tries < 50 && (await ask(index)) !== status; tries++) await sleep(100);
          return ask(index);
        };
        assert.equal(await until(0, 200), 200);
        assert.equal(await until(1, 200), 200);
        worker.setStatus(500);
        // The worker's probe fails; the api's answers for the api alone and stays ready.
        assert.equal(await until(1, 503), 503);
        assert.equal(await ask(0), 200);
        assert.equal((await kubeProbe(`${serve.url}/readyz`)).status, 503);
      } finally {
        await serve.kill();
      }
    } finally {
      temp.remove();
      await api.close();
      await worker.close();
    }
  });
});

describe('probekit lint (CLI)', () => {
  it('exits 1 on an error finding, 0 on warnings alone, 2 on a missing file; reads directories', async () => {
    const temp = tempDir();
    try {
      mkdirSync(join(temp.dir, 'k8s', 'nested'), { recursive: true });
      temp.write(
        'k8s/nested/web.yaml',
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    ports: [{containerPort: 80}]\n    livenessProbe: {tcpSocket: {host: db, port: 5432}}\n',
      );
      const dir = join(temp.dir, 'k8s');
      const failing = await runCli(['lint', dir]);
      assert.equal(failing.code, 1);
      assert.match(
        failing.stdout,
        /k8s\/nested\/web\.yaml:8: error liveness-external: Pod\/p spec\.containers\[0\]\.livenessProbe: /,
      );
      const sarif = await runCli(['lint', '-f', dir, '--format', 'sarif']);
      assert.equal(sarif.code, 1);
      assert.equal(JSON.parse(sarif.stdout).runs[0].results[0].ruleId, 'liveness-external');
      const warning = await runCli(['lint', '--format', 'json'], {
        input:
          'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    ports: [{containerPort: 80}]\n    readinessProbe: {httpGet: {port: 80}}\n    livenessProbe: {httpGet: {port: 80}}\n',
      });
      assert.equal(warning.code, 0);
      assert.deepEqual(
        JSON.parse(warning.stdout).findings.map((finding: { rule: string }) => finding.rule),
        ['liveness-equals-readiness'],
      );
      const missing = await runCli(['lint', join(temp.dir, 'nope')]);
      assert.equal(missing.code, 2);
      assert.match(
        missing.stderr,
        /nope is not valid \(1 problem\):\n {2}\(file\): cannot be read: does not exist/,
      );
      const format = await runCli(['lint', '--format', 'xml']);
      assert.equal(format.code, 2);
    } finally {
      temp.remove();
    }
  });

  it('exits 1 on a ConfigMap whose probekit.yaml probekit would refuse, 0 once it is fixed', async () => {
    const configMap = (probes: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-probekit}\ndata:\n  probekit.yaml: |\n    checks:\n      - name: db\n        tcpSocket: {port: 5432}\n${probes}probes: [readiness]\n`;
    const broken = await runCli(['lint'], { input: configMap('       ') });
    assert.equal(broken.code, 1);
    assert.match(
      broken.stdout,
      /^stdin:9: error config-invalid: ConfigMap\/web-probekit data\["probekit\.yaml"\]: probekit refuses this config \(1 problem, lines within probekit\.yaml\): line 4, column /,
    );
    const fixed = await runCli(['lint'], { input: configMap('        ') });
    assert.deepEqual([fixed.code, fixed.stdout], [0, 'no findings in 1 file\n']);
  });
});
