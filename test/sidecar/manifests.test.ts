// docker/k8s against the Kubernetes schemas (kubernetes-models), unknown fields included; the ConfigMap's config through `probekit validate`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import ts from 'typescript';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
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
  NetworkPolicy: {
    model: NetworkPolicy as never,
    type: "import('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').INetworkPolicy",
  },
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

/** The one manifest of `kind`. */
function only(kind: string): unknown {
  const found = manifests.filter(({ object }) => object.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0]!.object;
}
const deployment = () => only('Deployment') as Deployment;
const probekitContainer = () =>
  deployment().spec!.template.spec!.initContainers!.find((container) => container.name === 'probekit')!;
const configText = () => (only('ConfigMap') as { data: Record<string, string> }).data['probekit.yaml'] ?? '';

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
  it('holds a Deployment, a ConfigMap, a Service, the fleet’s peers Service, a PodMonitor and a NetworkPolicy', () => {
    assert.deepEqual(manifests.map(({ object }) => object.kind).sort(), [
      'ConfigMap',
      'Deployment',
      'NetworkPolicy',
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
    // The config's fleet asks this Service's name, and each member is its pod's name.
    const config = parseYaml(configText()) as {
      fleet?: { peers?: { dns?: string } };
      checks: { name: string; scope?: string }[];
    };
    assert.equal(config.fleet?.peers?.dns, `${peers.metadata?.name}.default.svc.cluster.local`);
    assert.equal(config.checks.find((check) => check.name === 'db')?.scope, 'shared');
    for (const [name, field] of [
      ['POD_NAME', 'metadata.name'],
      ['POD_NAMESPACE', 'metadata.namespace'],
    ])
      assert.equal(
        sidecar?.env?.find((variable) => variable.name === name)?.valueFrom?.fieldRef?.fieldPath,
        field,
      );
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

  it('checks the app at the pod IP (POD_IP, from the downward API), where the kubelet and the Service reach it', () => {
    const config = parseYaml(configText()) as { checks: { name: string; httpGet?: { host?: string } }[] };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a probekit config variable, not a JS template
    assert.equal(config.checks.find((check) => check.name === 'app')?.httpGet?.host, '${POD_IP}');
    const podIp = probekitContainer().env?.find((variable) => variable.name === 'POD_IP');
    assert.equal(podIp?.valueFrom?.fieldRef?.fieldPath, 'status.podIP');
  });

  it('gives the app container resources and a read-only root filesystem', () => {
    const app = deployment().spec!.template.spec!.containers[0]!;
    const { requests = {}, limits = {} } = app.resources ?? {};
    assert.ok(requests['cpu'] && requests['memory'] && limits['memory'], JSON.stringify(app.resources));
    assert.equal(app.securityContext?.readOnlyRootFilesystem, true);
  });

  it('rolls a config change out like a deployment: a ConfigMap per config hash, immutable, the hash in the pod template', () => {
    const hash = createHash('sha256').update(configText()).digest('hex').slice(0, 10);
    const configMap = only('ConfigMap') as { metadata: { name: string }; immutable?: boolean };
    assert.equal(
      configMap.metadata.name,
      `shop-probekit-${hash}`,
      'the name carries the hash of probekit.yaml',
    );
    assert.equal(configMap.immutable, true);
    const { spec, metadata } = deployment().spec!.template;
    assert.equal(metadata?.annotations?.['probekit.dev/config-hash'], hash);
    assert.ok(spec?.volumes?.some((volume) => volume.configMap?.name === configMap.metadata.name));
    // A new pod must be ready before an old one goes: a config that fails readiness stalls the rollout, the old pods serving.
    assert.equal(deployment().spec?.strategy?.rollingUpdate?.maxUnavailable, 0);
  });

  it('labels the PodMonitor as kube-prometheus-stack selects by default, and scrapes the probe port', () => {
    const monitor = only('PodMonitor') as PodMonitor;
    assert.ok(monitor.metadata?.labels?.['release'], 'release: <the Helm release of kube-prometheus-stack>');
    const port = monitor.spec.podMetricsEndpoints?.[0]?.port;
    assert.ok(probekitContainer().ports?.some((containerPort) => containerPort.name === port));
  });

  it('keeps probekit’s port (details, metrics) from the rest of the cluster with a NetworkPolicy; the app’s port stays open', () => {
    const policy = only('NetworkPolicy') as NetworkPolicy;
    const labels = deployment().spec!.template.metadata?.labels ?? {};
    for (const [key, value] of Object.entries(policy.spec?.podSelector.matchLabels ?? {}))
      assert.equal(labels[key], value, key);
    assert.deepEqual(policy.spec?.policyTypes, ['Ingress']);
    const rules = policy.spec?.ingress ?? [];
    const to = (port: number) => rules.filter((rule) => rule.ports?.some((p) => p.port === port));
    const probes = probekitContainer().ports?.[0]?.containerPort ?? 0;
    assert.ok(to(probes).length > 0, 'nobody may reach probekit, Prometheus included');
    for (const rule of to(probes))
      assert.ok((rule.from ?? []).length > 0, `port ${probes} is open to everyone`);
    const from = to(probes).flatMap((rule) => rule.from ?? []);
    assert.ok(
      from.some(
        (peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring',
      ),
      'Prometheus (namespace monitoring) may scrape',
    );
    const app = deployment().spec!.template.spec!.containers[0]!.ports?.[0]?.containerPort ?? 0;
    assert.ok(
      to(app).some((rule) => rule.from === undefined),
      `the app's port ${app} must stay open to its clients`,
    );
  });

  it('says that native sidecars need Kubernetes 1.29+, and runs the image of this version', () => {
    assert.match(readFileSync(join(K8S, 'deployment.yaml'), 'utf8'), /native sidecar \(Kubernetes 1\.29\+/);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'packages/sidecar/package.json'), 'utf8'));
    assert.equal(probekitContainer().image, `ghcr.io/probekit/probekit:${version}`);
  });

  it('the ConfigMap’s probekit.yaml passes `probekit validate`, and the grace period covers its shutdown delay', async () => {
    const configMap = manifests.find(({ object }) => object.kind === 'ConfigMap')!.object as unknown as {
      data: Record<string, string>;
    };
    const temp = tempDir();
    try {
      const file = temp.write('probekit.yaml', configMap.data['probekit.yaml'] ?? '');
      // POD_IP and POD_NAME come from the downward API in the pod.
      const env = { POD_IP: '10.1.2.3', POD_NAME: 'shop-7d9c-x2x4q' };
      const result = await runCli(['validate', '--config', file], { env });
      assert.deepEqual([result.code, result.stderr], [0, '']);
      assert.equal(result.stdout, 'probekit.yaml: valid, 4 checks (app, app-liveness, db, warmed-up)\n');
    } finally {
      temp.remove();
    }
    const delay = Number(/shutdownDelaySeconds: (\d+)/.exec(configMap.data['probekit.yaml'] ?? '')?.[1]);
    const deployment = manifests.find(({ object }) => object.kind === 'Deployment')!
      .object as never as Deployment;
    assert.ok((deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) > delay + 10);
  });
});
