// inject on realistic manifests: the output passes the Kubernetes schema, its config passes probekit's loader,
// every probe lands where it answers for the same thing, and inject on its own output changes nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { type InjectOptions, inject } from '../../src/manifests/inject.js';
import { SIDECAR_DEFAULTS } from '../../src/manifests/sidecar.js';
import { targetToCheck } from '../../src/manifests/targets.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const fixture = (name: string) => ({ name, text: readFileSync(new URL(name, FIXTURES), 'utf8') });
const OPTIONS: InjectOptions = { ...SIDECAR_DEFAULTS, dependencies: [] };

const dir = mkdtempSync(join(tmpdir(), 'probekit-inject-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: parsed manifests, walked by field names the assertions check
type Obj = Record<string, any>;

/** The output's objects, List items flattened. */
function objects(text: string): Obj[] {
  return parseAllDocuments(text, { version: '1.1' }).flatMap((doc) => {
    assert.deepEqual(doc.errors, []);
    const data = doc.toJS() as Obj | null;
    if (!data) return [];
    return data['kind'] === 'List' ? (data['items'] as Obj[]) : [data];
  });
}

function find(list: Obj[], kind: string, name: string): Obj {
  const found = list.find((object) => object['kind'] === kind && object['metadata']?.['name'] === name);
  assert.ok(found, `no ${kind}/${name} in the output`);
  return found;
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Deployment: Deployment as never,
  StatefulSet: StatefulSet as never,
  CronJob: CronJob as never,
  Pod: Pod as never,
  ConfigMap: ConfigMap as never,
  Service: Service as never,
};

/** The generated config, loaded by the sidecar's own loader as `probekit serve` would, in a pod at 10.1.2.3. */
async function loadGenerated(configMap: Obj) {
  const file = join(dir, `${configMap['metadata']['name']}.yaml`);
  writeFileSync(file, configMap['data']['probekit.yaml']);
  return loadConfig({ file, env: { POD_IP: '10.1.2.3' } });
}

describe('probekit inject', () => {
  const list = fixture('web-list.yaml');
  const shop = fixture('shop.yaml');
  const web = inject([list], OPTIONS);
  const shopped = inject([shop], OPTIONS);

  it('every object of the output passes the Kubernetes OpenAPI schema (kubernetes-models)', () => {
    const all = [...objects(web.text), ...objects(shopped.text)];
    assert.deepEqual(
      all.map((object) => object['kind']),
      ['Deployment', 'ConfigMap', 'Service', 'StatefulSet', 'ConfigMap', 'CronJob', 'ConfigMap', 'ConfigMap'],
    );
    for (const object of all) new MODELS[object['kind']]!(object as never).validate();
  });

  it('adds probekit as a hardened native sidecar with its config mounted as a directory', () => {
    const pod = find(objects(web.text), 'Deployment', 'web')['spec']['template']['spec'];
    const sidecar = pod['initContainers'][0];
    assert.equal(sidecar['name'], 'probekit');
    assert.equal(sidecar['restartPolicy'], 'Always');
    assert.deepEqual(sidecar['securityContext'], {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.deepEqual(sidecar['resources'], {
      requests: { cpu: '10m', memory: '128Mi' },
      limits: { memory: '128Mi' },
    });
    assert.deepEqual(sidecar['startupProbe']['tcpSocket'], { port: 8099 });
    assert.deepEqual(sidecar['env'], [
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ]);
    const mount = sidecar['volumeMounts'][0];
    assert.deepEqual(mount, { name: 'probekit-config', mountPath: '/etc/probekit', readOnly: true });
    assert.equal((mount as Obj)['subPath'], undefined);
    assert.deepEqual(pod['volumes'].at(-1), { name: 'probekit-config', configMap: { name: 'web-probekit' } });
    assert.deepEqual(sidecar['args'], ['serve', '--config', '/etc/probekit/probekit.yaml']);
  });

  it('moves the probes into a ConfigMap in the namespace, on the pod IP with named ports resolved, which the loader accepts', async () => {
    const configMap = find(objects(web.text), 'ConfigMap', 'web-probekit');
    assert.equal(configMap['metadata']['namespace'], 'shop');
    const config = await loadGenerated(configMap);
    assert.deepEqual(
      config.checks.map((check) => [check.name, check.probes, check.prober.target]),
      [
        ['web-liveness', ['liveness'], 'http://10.1.2.3:8080/healthz'],
        ['web-readiness', ['readiness'], 'http://10.1.2.3:8080/ready'],
      ],
    );
    // The kubelet's timing travels with the check.
    assert.deepEqual(
      config.checks.map((check) => [check.periodSeconds, check.failureThreshold]),
      [
        [10, 3],
        [5, 3],
      ],
    );
    assert.equal(config.server.port, 8099);
  });

  it('points the app’s probes at the sidecar with thresholds that do not stack on probekit’s', () => {
    const app = find(objects(web.text), 'Deployment', 'web')['spec']['template']['spec']['containers'][0];
    assert.deepEqual(app['readinessProbe'], {
      httpGet: { path: '/readyz', port: 8099 },
      periodSeconds: 2,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 1,
    });
    // Liveness waits, after each start of the container, for the app's old allowance (0 + 3 × 10 + 1) and one
    // more run of the check (10 + 1): probekit's state outlives a restart of the app container.
    assert.deepEqual(app['livenessProbe'], {
      httpGet: { path: '/livez', port: 8099 },
      initialDelaySeconds: 42,
      periodSeconds: 2,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 2,
    });
  });

  it('in a multi-container pod each container’s probe answers for its own checks only', async () => {
    const all = objects(shopped.text);
    const pod = find(all, 'StatefulSet', 'orders')['spec']['template']['spec'];
    const [orders, exporter] = pod['containers'];
    assert.equal(orders['readinessProbe']['httpGet']['path'], '/readyz?exclude=exporter-readiness');
    assert.equal(exporter['readinessProbe']['httpGet']['path'], '/readyz?exclude=orders-readiness');
    assert.equal(orders['livenessProbe']['httpGet']['path'], '/livez');
    assert.equal(orders['startupProbe']['httpGet']['path'], '/startupz');
    // The startup deadline stays the kubelet's: 5 × 24 + 1 s, plus one check period, in 2 s steps.
    assert.equal(orders['startupProbe']['failureThreshold'], Math.ceil((5 * 24 + 1 + 5) / 2));
    // After a restart liveness waits for the startup allowance, not liveness's own.
    assert.equal(orders['livenessProbe']['initialDelaySeconds'], 5 * 24 + 1 + 10 + 1);
    // An exec probe runs in its own container's filesystem: it stays.
    assert.deepEqual(exporter['livenessProbe'], { exec: { command: ['/bin/exporter', '--check'] } });
    const config = await loadGenerated(find(all, 'ConfigMap', 'orders-probekit'));
    assert.deepEqual(
      config.checks.map((check) => [check.name, check.prober.kind, check.prober.target]),
      [
        ['orders-startup', 'httpGet', 'http://10.1.2.3:8080/healthz'],
        ['orders-liveness', 'grpc', 'grpc://10.1.2.3:9090/liveness'],
        ['orders-readiness', 'httpGet', 'http://10.1.2.3:8080/ready'],
        ['exporter-readiness', 'tcpSocket', 'tcp://10.1.2.3:9400'],
      ],
    );
  });

  it('wires a CronJob’s pod template', async () => {
    const job = find(objects(shopped.text), 'CronJob', 'reindex');
    const pod = job['spec']['jobTemplate']['spec']['template']['spec'];
    assert.equal(pod['initContainers'][0]['name'], 'probekit');
    assert.equal(pod['containers'][0]['livenessProbe']['httpGet']['path'], '/livez');
    const config = await loadGenerated(find(objects(shopped.text), 'ConfigMap', 'reindex-probekit'));
    assert.deepEqual(
      config.checks.map((check) => [check.name, check.initialDelaySeconds]),
      [['reindex-liveness', 20]],
    );
  });

  it('keeps comments, key order, unrelated fields and untouched documents byte for byte', () => {
    for (const kept of [
      '# The shop: a StatefulSet (app + metrics exporter), its Service, a nightly CronJob.',
      '# Slow to start: loads the catalogue into memory.',
      'terminationGracePeriodSeconds: 45 # the app drains for up to 30 s',
      'defaultMode: 0755',
      'schedule: "0 3 * * *"',
    ])
      assert.ok(shopped.text.includes(kept), kept);
    const documents = shop.text.split(/^(?=---$)/m);
    // The Service (first) and the unrelated ConfigMap (last) are not workloads: their text is unchanged.
    assert.ok(shopped.text.startsWith(documents[0]!));
    assert.ok(shopped.text.endsWith(documents.at(-1)!));
    // kubectl's unindented sequences and its long annotation line stay as they were.
    assert.match(web.text, /^ {8}containers:\n {8}- image: ghcr\.io\/example\/web:2\.4\.1$/m);
    assert.ok(web.text.includes('"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}}'));
    const keys = (text: string) =>
      Object.keys(find(objects(text), 'StatefulSet', 'orders')['spec']['template']['spec']['containers'][0]);
    assert.deepEqual(keys(shopped.text), [...keys(shop.text)]);
  });

  it('running on its own output changes nothing, byte for byte', () => {
    for (const output of [web, shopped]) {
      const again = inject([{ name: 'out.yaml', text: output.text }], OPTIONS);
      assert.equal(again.text, output.text);
      assert.equal(again.configMaps, '');
    }
  });

  it('adds --check dependencies to readiness, giving a probe to a pod that had none', async () => {
    const options = { ...OPTIONS, dependencies: [targetToCheck('tcp://postgres.shop.svc:5432')] };
    const output = objects(inject([shop], options).text);
    const job = find(output, 'CronJob', 'reindex')['spec']['jobTemplate']['spec']['template']['spec'];
    assert.equal(job['containers'][0]['readinessProbe']['httpGet']['path'], '/readyz');
    const config = await loadGenerated(find(output, 'ConfigMap', 'reindex-probekit'));
    assert.deepEqual(
      config.checks.map((check) => [check.name, check.probes, check.prober.target]),
      [
        ['reindex-liveness', ['liveness'], 'tcp://10.1.2.3:8081'],
        ['tcp-postgres.shop.svc-5432', ['readiness'], 'tcp://postgres.shop.svc:5432'],
      ],
    );
  });

  it('writes an exec: dependency as the argv core splits it (shell quoting, no shell)', () => {
    assert.deepEqual(targetToCheck(`exec:sh -c "exit 3"`)['exec'], { command: ['sh', '-c', 'exit 3'] });
  });

  it('leaves an exec probe in its container and says so; the Pod still gets the sidecar', () => {
    const result = inject([fixture('pod.yaml')], OPTIONS);
    assert.deepEqual(result.notes, [
      "pod.yaml: Pod/worker: 0 probes moved to ConfigMap worker-probekit (probekit.yaml); kept in place (exec runs in its own container): worker's readinessProbe",
    ]);
    const pod = find(objects(result.text), 'Pod', 'worker');
    assert.deepEqual(pod['spec']['containers'][0]['readinessProbe'], {
      exec: { command: ['cat', '/tmp/ready'] },
    });
    assert.equal(pod['spec']['initContainers'][0]['name'], 'probekit');
    new Pod(pod as never).validate();
  });

  it('--config-only output is just the ConfigMaps', () => {
    assert.deepEqual(
      objects(shopped.configMaps).map((object) => `${object['kind']}/${object['metadata']['name']}`),
      ['ConfigMap/orders-probekit', 'ConfigMap/reindex-probekit'],
    );
  });

  it('refuses bad input with the file, document and field, never a crash', () => {
    const cases: [string, RegExp][] = [
      ['kind: Deployment\nmetadata: {name: a\n', /bad\.yaml document 1 \(line \d+\): /],
      ['just a string\n', /bad\.yaml document 1: must be a mapping, not the string "just a string"/],
      [
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: empty}\nspec: {template: {spec: {containers: []}}}\n',
        /bad\.yaml document 1 Deployment\/empty: spec\.template\.spec\.containers: must be a non-empty list of containers/,
      ],
      [
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    readinessProbe: {httpGet: {port: web}}\n',
        /spec\.containers\[0\]\.readinessProbe: port "web" is not a port name of container "a" \(it names no ports\)/,
      ],
      [
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    livenessProbe: {tcpSocket: {port: 70000}}\n',
        /spec\.containers\[0\]\.livenessProbe: port must be an integer 1-65535 or a port name/,
      ],
      [
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    ports: [{containerPort: 8099}]\n',
        /container "a" already uses port 8099; give probekit another with --port/,
      ],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => inject([{ name: 'bad.yaml', text }], OPTIONS),
        (error: unknown) => error instanceof ConfigError && expected.test(error.message),
        text,
      );
    }
  });
});
