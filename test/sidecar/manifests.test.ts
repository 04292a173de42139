// docker/k8s against the Kubernetes schemas (kubernetes-models), unknown fields included; the ConfigMap's config through `probekit validate`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { ROOT, runCli, tempDir } from './helpers.js';

const K8S = join(ROOT, 'docker/k8s');

/** Each kind's model (for `.validate()`) and its TypeScript interface (for the unknown-field check). */
const MODELS: Record<string, { model: new (data: never) => { validate(): void }; type: string }> = {
  Deployment: {
    model: Deployment as never,
    type: "import('kubernetes-models/apps/v1/Deployment').IDeployment",
  },
  ConfigMap: { model: ConfigMap as never, type: "import('kubernetes-models/v1/ConfigMap').IConfigMap" },
  Service: { model: Service as never, type: "import('kubernetes-models/v1/Service').IService" },
  PodMonitor: {
    model: PodMonitor as never,
    type: "import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor').IPodMonitor",
  },
};

const manifests = readdirSync(K8S)
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((name) =>
    parseAllDocuments(readFileSync(join(K8S, name), 'utf8')).map((doc) => {
      assert.deepEqual(doc.errors, [], name);
      return { name, object: doc.toJS() as { kind: string; metadata: { name: string } } };
    }),
  );

/**
 * kubernetes-models' validate() does not reject unknown fields. TypeScript does: an object literal
 * typed with the model's interface fails on any property the interface lacks, at any depth.
 */
function unknownFieldErrors(): string[] {
  const file = join(ROOT, 'test/sidecar/__manifests__.ts');
  const source = manifests
    .map(
      ({ object }, index) =>
        `export const m${index}: ${MODELS[object.kind]?.type} = ${JSON.stringify(object)};`,
    )
    .join('\n');
  const options: ts.CompilerOptions = {
    noEmit: true,
    strict: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, source, version) : read(name, version, ...rest);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file === undefined || diagnostic.start === undefined ? -1 : diagnostic.start;
    const index = where < 0 ? -1 : source.slice(0, where).split('\n').length - 1;
    const manifest = manifests[index];
    return `${manifest ? `${manifest.name} ${manifest.object.kind}/${manifest.object.metadata.name}` : '?'}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

describe('docker/k8s manifests', () => {
  it('holds a Deployment, a ConfigMap, a Service, the fleet’s peers Service and a PodMonitor', () => {
    assert.deepEqual(manifests.map(({ object }) => object.kind).sort(), [
      'ConfigMap',
      'Deployment',
      'PodMonitor',
      'Service',
      'Service',
    ]);
  });

  it('the peers Service is headless, lists not-ready pods too, and selects the Deployment’s pods on the probe port', () => {
    const peers = manifests.find(({ name }) => name === 'peers-service.yaml')!.object as never as Service;
    assert.equal(peers.spec?.clusterIP, 'None');
    // Without it, a not-ready member vanishes from DNS and a shared failure looks like this member's own.
    assert.equal(peers.spec?.publishNotReadyAddresses, true);
    const deployment = manifests.find(({ object }) => object.kind === 'Deployment')!
      .object as never as Deployment;
    const labels = deployment.spec?.template.metadata?.labels ?? {};
    for (const [key, value] of Object.entries(peers.spec?.selector ?? {}))
      assert.equal(labels[key], value, key);
    const sidecar = deployment.spec?.template.spec?.initContainers?.find((c) => c.name === 'probekit');
    const port = sidecar?.ports?.find((p) => p.name === peers.spec?.ports?.[0]?.targetPort);
    assert.equal(port?.containerPort, peers.spec?.ports?.[0]?.port);
  });

  for (const { name, object } of manifests) {
    it(`${name}: ${object.kind} passes the Kubernetes schema`, () => {
      const entry = MODELS[object.kind];
      assert.ok(entry, `no model for ${object.kind}`);
      new entry.model(object as never).validate();
    });
  }

  it('has no unknown fields (checked against the models’ TypeScript interfaces)', () => {
    assert.deepEqual(unknownFieldErrors(), []);
  });

  it('catches an unknown field when there is one (the check can fail)', () => {
    const deployment = manifests.find(({ object }) => object.kind === 'Deployment')!.object as unknown as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const container = deployment.spec.template.spec.containers[0]!;
    container['readynessProbe'] = {};
    try {
      const errors = unknownFieldErrors();
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(
        errors[0] ?? '',
        /^deployment\.yaml Deployment\/shop: .*readynessProbe.* does not exist in type 'IContainer'/,
      );
    } finally {
      delete container['readynessProbe'];
    }
  });

  it('wires probekit as a native sidecar the app’s probes point at', () => {
    const deployment = manifests.find(({ object }) => object.kind === 'Deployment')!
      .object as never as Deployment;
    const pod = deployment.spec!.template.spec!;
    const sidecar = pod.initContainers?.find((container) => container.name === 'probekit');
    assert.equal(sidecar?.restartPolicy, 'Always');
    const app = pod.containers[0]!;
    assert.deepEqual(
      [app.startupProbe?.httpGet?.path, app.livenessProbe?.httpGet?.path, app.readinessProbe?.httpGet?.path],
      ['/startupz', '/livez', '/readyz'],
    );
    for (const probe of [app.startupProbe, app.livenessProbe, app.readinessProbe])
      assert.equal(probe?.httpGet?.port, 8099);
    const shared = pod.volumes?.find((volume) => volume.emptyDir !== undefined)?.name;
    assert.ok(shared && sidecar?.volumeMounts?.some((mount) => mount.name === shared));
    assert.ok(app.volumeMounts?.some((mount) => mount.name === shared));
  });

  it('the ConfigMap’s probekit.yaml passes `probekit validate`, and the grace period covers its shutdown delay', async () => {
    const configMap = manifests.find(({ object }) => object.kind === 'ConfigMap')!.object as unknown as {
      data: Record<string, string>;
    };
    const temp = tempDir();
    try {
      const file = temp.write('probekit.yaml', configMap.data['probekit.yaml'] ?? '');
      const result = await runCli(['validate', '--config', file]);
      assert.deepEqual([result.code, result.stderr], [0, '']);
      assert.equal(result.stdout, 'probekit.yaml: valid, 3 checks (app, db, warmed-up)\n');
    } finally {
      temp.remove();
    }
    const delay = Number(/shutdownDelaySeconds: (\d+)/.exec(configMap.data['probekit.yaml'] ?? '')?.[1]);
    const deployment = manifests.find(({ object }) => object.kind === 'Deployment')!
      .object as never as Deployment;
    assert.ok((deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) > delay + 10);
  });
});
