// Every lint rule with a manifest that triggers it and one that does not; findings' paths and lines; the
// SARIF output against the SARIF 2.1.0 JSON schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import formats from 'ajv-formats';
import { parseAllDocuments, stringify } from 'yaml';
import { ConfigError } from '../../src/errors.js';
import { inject } from '../../src/manifests/inject.js';
import { formatJson, formatText } from '../../src/manifests/lint/format.js';
import { lint } from '../../src/manifests/lint/lint.js';
import { RULES } from '../../src/manifests/lint/rules.js';
import { formatSarif } from '../../src/manifests/lint/sarif.js';
import { SIDECAR_DEFAULTS } from '../../src/manifests/sidecar.js';

// biome-ignore lint/suspicious/noExplicitAny: manifests built and mutated by field name
type Obj = Record<string, any>;

/** The app every case starts from: a Deployment with named ports and sound probes, and its Service. */
function app(): Obj[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'ghcr.io/example/web:2.4.1',
                ports: [{ name: 'http', containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, failureThreshold: 6 },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
    },
  ];
}

/** The same app wired by inject: Deployment, its ConfigMap, the Service. */
function wired(): Obj[] {
  const text = app()
    .map((object) => stringify(object))
    .join('---\n');
  const out = inject([{ name: 'app.yaml', text }], { ...SIDECAR_DEFAULTS, dependencies: [] }).text;
  return parseAllDocuments(out).map((doc) => doc.toJS() as Obj);
}

const yamlOf = (objects: Obj[]) => objects.map((object) => stringify(object)).join('---\n');
const run = (objects: Obj[]) => lint([{ name: 'case.yaml', text: yamlOf(objects) }]).findings;
const pod = (objects: Obj[]) => objects[0]!['spec']['template']['spec'];
const web = (objects: Obj[]) => pod(objects)['containers'][0];
const config = (objects: Obj[]) => objects.find((object) => object['kind'] === 'ConfigMap')!;
/** Edits the probekit.yaml of the wired app's ConfigMap. */
function editConfig(objects: Obj[], edit: (data: Obj) => void): Obj[] {
  const map = config(objects);
  const data = parseAllDocuments(map['data']['probekit.yaml'])[0]!.toJS() as Obj;
  edit(data);
  map['data']['probekit.yaml'] = stringify(data);
  return objects;
}
/** A probekit config file of its own. */
const configFile = (data: Obj) => [data];

const headless = (extra: Obj): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'probekit-peers', namespace: 'shop' },
  spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 8099 }], ...extra },
});
const fleet = { peers: { dns: 'probekit-peers.shop.svc.cluster.local' } };

const CASES: { rule: string; bad: () => Obj[]; good: () => Obj[] }[] = [
  {
    rule: 'config-invalid',
    bad: () =>
      editConfig(wired(), (data) => {
        data['checks'][0].httpGet.port = 99999;
      }),
    // inject's config has host: ${POD_IP}, unset where lint runs: the pod's to fill, not a problem.
    good: wired,
  },
  {
    rule: 'config-invalid',
    bad: () => configFile({ checks: [{ name: 'db', tcpSocket: { port: 5432 }, probes: ['sometimes'] }] }),
    good: () => configFile({ checks: [{ name: 'db', tcpSocket: { port: 5432 } }] }),
  },
  {
    rule: 'liveness-external',
    bad: () => {
      const objects = app();
      web(objects).livenessProbe = {
        tcpSocket: { host: 'postgres.shop.svc', port: 5432 },
        failureThreshold: 6,
      };
      return objects;
    },
    good: app,
  },
  {
    rule: 'liveness-external',
    bad: () =>
      configFile({
        checks: [{ name: 'db', tcpSocket: { host: 'db.shop.svc', port: 5432 }, probes: ['liveness'] }],
      }),
    good: () => configFile({ checks: [{ name: 'db', tcpSocket: { host: 'db.shop.svc', port: 5432 } }] }),
  },
  {
    rule: 'liveness-external',
    bad: () =>
      configFile({
        checks: [{ name: 'api', httpGet: { port: 8080 }, scope: 'shared', probes: ['liveness'] }],
      }),
    good: () => configFile({ checks: [{ name: 'api', httpGet: { port: 8080 }, probes: ['liveness'] }] }),
  },
  {
    rule: 'liveness-equals-readiness',
    bad: () => {
      const objects = app();
      web(objects).livenessProbe = { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 };
      return objects;
    },
    good: app,
  },
  {
    rule: 'timeout-not-below-period',
    bad: () => {
      const objects = app();
      web(objects).readinessProbe.timeoutSeconds = 5;
      return objects;
    },
    good: app,
  },
  {
    rule: 'timeout-not-below-period',
    bad: () =>
      configFile({
        checks: [{ name: 'db', tcpSocket: { port: 5432 }, periodSeconds: 2, timeoutSeconds: 2 }],
      }),
    good: () =>
      configFile({
        checks: [{ name: 'db', tcpSocket: { port: 5432 }, periodSeconds: 2, timeoutSeconds: 1 }],
      }),
  },
  {
    rule: 'undeclared-port',
    bad: () => {
      const objects = app();
      web(objects).readinessProbe = { tcpSocket: { port: 9000 } };
      return objects;
    },
    good: app,
  },
  {
    rule: 'unknown-named-port',
    bad: () => {
      const objects = app();
      web(objects).readinessProbe.httpGet.port = 'web';
      return objects;
    },
    good: app,
  },
  {
    rule: 'grace-period-short',
    bad: () => {
      const objects = editConfig(wired(), (data) => {
        data['server'].shutdownDelaySeconds = 10;
      });
      pod(objects).terminationGracePeriodSeconds = 20;
      web(objects).lifecycle = { preStop: { exec: { command: ['sh', '-c', 'sleep 15'] } } };
      return objects;
    },
    good: () => {
      const objects = wired();
      web(objects).lifecycle = { preStop: { sleep: { seconds: 15 } } };
      return objects;
    },
  },
  {
    rule: 'probekit-loopback',
    bad: () =>
      editConfig(wired(), (data) => {
        data['server'].host = '127.0.0.1';
      }),
    good: () =>
      editConfig(wired(), (data) => {
        data['server'].host = '0.0.0.0';
      }),
  },
  {
    rule: 'probe-port-not-probekit',
    bad: () => {
      const objects = wired();
      web(objects).readinessProbe.httpGet.port = 8080;
      return objects;
    },
    good: wired,
  },
  {
    rule: 'stacked-thresholds',
    bad: () => {
      const objects = wired();
      Object.assign(web(objects).readinessProbe, { periodSeconds: 10, failureThreshold: 3 });
      return objects;
    },
    good: wired,
  },
  {
    rule: 'fleet-headless-service',
    bad: () => [
      ...editConfig(wired(), (data) => {
        data['fleet'] = fleet;
      }),
      headless({}),
    ],
    good: () => [
      ...editConfig(wired(), (data) => {
        data['fleet'] = fleet;
      }),
      headless({ publishNotReadyAddresses: true }),
    ],
  },
  {
    rule: 'service-without-readiness',
    bad: () => {
      const objects = app();
      delete web(objects).readinessProbe;
      return objects;
    },
    good: app,
  },
  {
    rule: 'native-sidecar-version',
    bad: wired,
    good: () => {
      const objects = app();
      pod(objects).initContainers = [{ name: 'migrate', image: 'ghcr.io/example/migrate:1.0.0' }];
      return objects;
    },
  },
];

describe('probekit lint rules', () => {
  it('every rule has its section in docs/manifests.md, and the docs no other', () => {
    const docs = readFileSync(new URL('../../../../docs/manifests.md', import.meta.url), 'utf8');
    const documented = [...docs.matchAll(/^#### ([a-z-]+)$/gm)].map((match) => match[1]);
    assert.deepEqual(
      documented,
      RULES.map((rule) => rule.id),
    );
  });

  it('every rule has a case', () => {
    assert.deepEqual([...new Set(CASES.map((c) => c.rule))].sort(), RULES.map((rule) => rule.id).sort());
  });

  for (const [index, { rule, bad, good }] of CASES.entries()) {
    it(`${rule} (${index}): the bad manifest triggers it, the good one does not`, () => {
      const found = run(bad()).filter((finding) => finding.rule === rule);
      assert.ok(found.length > 0, `${rule} found nothing in\n${yamlOf(bad())}`);
      assert.deepEqual(
        run(good()).filter((finding) => finding.rule === rule),
        [],
      );
      const severity = RULES.find((candidate) => candidate.id === rule)!.severity;
      for (const finding of found) {
        assert.equal(finding.severity, severity);
        assert.equal(finding.docs, `docs/manifests.md#${rule}`);
        assert.equal(finding.file, 'case.yaml');
        assert.ok(finding.line !== undefined && finding.line > 0);
        assert.doesNotMatch(finding.message, /\n/);
      }
    });
  }

  it('an app as inject wires it has no finding but the native-sidecar note', () => {
    assert.deepEqual(
      run(wired()).map((finding) => finding.rule),
      ['native-sidecar-version'],
    );
  });
});

describe('stacked-thresholds advice', () => {
  // The advice must be what inject writes for that probe kind: liveness keeps failureThreshold 2, so that one
  // lost answer does not restart the app (docs/manifests.md, "The kubelet's side of the probes").
  for (const field of ['readinessProbe', 'livenessProbe'] as const) {
    it(`${field}: advises inject's values, and following the advice clears the warning`, () => {
      const written = web(wired())[field];
      const objects = wired();
      Object.assign(web(objects)[field], { periodSeconds: 10, failureThreshold: 3 });
      const [finding, ...more] = run(objects).filter((found) => found.rule === 'stacked-thresholds');
      assert.deepEqual(more, []);
      assert.match(
        finding!.message,
        new RegExp(
          `; use failureThreshold ${written.failureThreshold} and periodSeconds ${written.periodSeconds}$`,
        ),
      );
      Object.assign(web(objects)[field], {
        periodSeconds: written.periodSeconds,
        failureThreshold: written.failureThreshold,
      });
      assert.deepEqual(
        run(objects).filter((found) => found.rule === 'stacked-thresholds'),
        [],
      );
    });
  }
});

describe('fleet-headless-service: a namespace from the environment', () => {
  // As in docker/k8s: no namespace in the manifests (kubectl apply -n picks it), the DNS name's namespace from
  // the downward API. ${POD_NAMESPACE} is the namespace of the config's own workload, not a namespace of that name.
  const set = (namespace: string | undefined, peers: Obj): Obj[] => {
    const objects = editConfig(wired(), (data) => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} reference for probekit, on purpose
      data['fleet'] = { peers: { dns: 'probekit-peers.${POD_NAMESPACE}.svc.cluster.local' } };
    });
    for (const object of objects) {
      if (namespace === undefined) delete object['metadata'].namespace;
      else object['metadata'].namespace = namespace;
    }
    return [...objects, peers];
  };
  const peers = (namespace: string | undefined, extra: Obj): Obj => {
    const service = headless(extra);
    if (namespace === undefined) delete service['metadata'].namespace;
    else service['metadata'].namespace = namespace;
    return service;
  };
  const fleetFindings = (objects: Obj[]) =>
    run(objects).filter((finding) => finding.rule === 'fleet-headless-service');

  for (const [workload, service] of [
    [undefined, undefined],
    ['shop', undefined],
    ['shop', 'shop'],
  ] as const) {
    it(`workload in ${workload ?? '(none)'}, Service in ${service ?? '(none)'}: the Service is found`, () => {
      assert.deepEqual(fleetFindings(set(workload, peers(service, { publishNotReadyAddresses: true }))), []);
      const [finding, ...more] = fleetFindings(set(workload, peers(service, {})));
      assert.deepEqual(more, []);
      assert.match(finding!.message, /^Service probekit-peers lacks publishNotReadyAddresses: true/);
    });
  }

  it('a Service in another namespace than the workload is not the peers Service', () => {
    const [finding, ...more] = fleetFindings(set('shop', peers('other', { publishNotReadyAddresses: true })));
    assert.deepEqual(more, []);
    assert.match(finding!.message, /^no Service probekit-peers among the linted manifests/);
  });
});

describe('config-invalid: a config probekit would refuse', () => {
  const configMap = (config: string) =>
    `apiVersion: v1
kind: ConfigMap
metadata: { name: web-probekit, namespace: shop }
data:
  probekit.yaml: |
${config.replace(/^(?=.)/gm, '    ')}`;
  const invalid = (name: string, text: string) =>
    lint([{ name, text }]).findings.filter((finding) => finding.rule === 'config-invalid');

  it('a probekit.yaml that does not parse: found at its line in the manifest, the rules that read it have nothing to pass', () => {
    // Before: the config was skipped, so the fleet's peers Service (no publishNotReadyAddresses) went unreported.
    const text = `${configMap(`server: { port: 8099 }
fleet:
  peers: { dns: probekit-peers.shop.svc.cluster.local }
checks:
  - name: db
    tcpSocket: { host: db.shop.svc, port: 5432 }
    scope: shared
   probes: [readiness]
`)}---
apiVersion: v1
kind: Service
metadata: { name: probekit-peers, namespace: shop }
spec: { clusterIP: None, selector: { app: web }, ports: [{ port: 8099 }] }
`;
    const [finding, ...more] = invalid('web.yaml', text);
    assert.deepEqual(more, []);
    assert.deepEqual(
      [finding!.severity, finding!.file, finding!.object, finding!.path, finding!.line],
      ['error', 'web.yaml', 'ConfigMap/web-probekit', 'data["probekit.yaml"]', 13],
    );
    // The loader's own words, placed within the embedded text (line 8 of probekit.yaml is line 13 of the file).
    assert.match(
      finding!.message,
      /^probekit refuses this config \(1 problem, lines within probekit\.yaml\): line 8, column \d+: /,
    );
    assert.doesNotMatch(finding!.message, /\n/);
  });

  it('schema problems: the first three, with their paths and places in the embedded text, and how many more', () => {
    const text = configMap(`server:
  port: 8099
checks:
  - name: db
    tcpSocket: { port: 99999 }
    probes: [sometimes]
  - name: db
    tcpSocket: { port: 5432 }
    periodSeconds: 0
`);
    const [finding, ...more] = invalid('web.yaml', text);
    assert.deepEqual(more, []);
    // The first problem's line: checks[0].probes[0]… sorted by path, as `probekit validate` lists them.
    assert.equal(finding!.line, 5 + 6);
    assert.match(
      finding!.message,
      /^probekit refuses this config \(4 problems, lines within probekit\.yaml\): checks\[0\]\.probes\[0\]: .* \(line 6, column 14\); checks\[0\]\.tcpSocket\.port: must be an integer 1-65535 \(line 5, column 18\); checks\[1\]\.name: .* \(line 7, column 5\); and 1 more$/,
    );
  });

  it('a config file of its own: its path is (file), its line the first problem’s', () => {
    const [finding, ...more] = invalid(
      'probekit.yaml',
      'server: { port: 8099 }\nchecks:\n  - name: db\n    tcpSocket: { port: 5432 }\n    probes: [sometimes]\n',
    );
    assert.deepEqual(more, []);
    assert.deepEqual([finding!.object, finding!.path, finding!.line], ['probekit.yaml', '(file)', 5]);
    assert.match(finding!.message, /^probekit refuses this config \(1 problem\): checks\[0\]\.probes\[0\]: /);
  });

  it('variables are the pod’s: an unset one is no problem, whatever the linting shell holds; a default and a malformed reference are', () => {
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: probekit ${VAR} references, on purpose
    const config = (port: string, path: string) => `server:
  port: ${port}
  host: \${PROBEKIT_LINT_HOST:-0.0.0.0}
fleet:
  peers: { dns: "probekit-peers.\${POD_NAMESPACE}.svc.cluster.local" }
checks:
  - name: api
    httpGet: { host: "\${POD_IP}", port: 8080, path: "${path}" }
    scope: shared
`;
    const before = process.env['PROBEKIT_LINT_PORT'];
    process.env['PROBEKIT_LINT_PORT'] = 'not a port';
    try {
      assert.deepEqual(invalid('web.yaml', configMap(config('${PROBEKIT_LINT_PORT}', '/ready'))), []);
    } finally {
      if (before === undefined) delete process.env['PROBEKIT_LINT_PORT'];
      else process.env['PROBEKIT_LINT_PORT'] = before;
    }
    const [fallback] = invalid('web.yaml', configMap(config('${PROBEKIT_LINT_PORT:-99999}', '/ready')));
    assert.match(fallback!.message, /server\.port: \$\{PROBEKIT_LINT_PORT:-99999\} is "99999", not /);
    const [malformed] = invalid('web.yaml', configMap(config('8099', '/re${ady')));
    assert.match(malformed!.message, /checks\[0\]\.httpGet\.path: has a "\$\{" that is not /);
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: probekit ${VAR} references, on purpose
  });
});

describe('probekit lint findings', () => {
  const text = `# web, with a liveness probe on the database
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe:
            httpGet: { path: /ready, port: http }
          livenessProbe:
            tcpSocket: { host: postgres, port: 5432 }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: other-probekit }
data:
  probekit.yaml: |
    server: { port: 8099 }
    checks:
      - name: cache
        tcpSocket: { host: redis.shop.svc, port: 6379 }
        probes: [liveness]
`;
  const { findings, files } = lint([{ name: 'web.yaml', text }]);

  it('name the field’s path and its line, in the manifest and inside a ConfigMap’s probekit.yaml', () => {
    assert.deepEqual(
      findings.map((finding) => [finding.rule, finding.object, finding.path, finding.line]),
      [
        ['liveness-external', 'Deployment/web', 'spec.template.spec.containers[0].livenessProbe', 14],
        ['liveness-external', 'ConfigMap/other-probekit', 'data["probekit.yaml"].checks[0]', 24],
      ],
    );
  });

  it('text: one line each with file:line, then a summary', () => {
    assert.equal(
      formatText(findings, files),
      `web.yaml:14: error liveness-external: Deployment/web spec.template.spec.containers[0].livenessProbe: livenessProbe asks postgres:5432, outside the pod: a restart cannot fix it (docs/manifests.md#liveness-external)
web.yaml:24: error liveness-external: ConfigMap/other-probekit data["probekit.yaml"].checks[0]: check "cache" gates liveness and asks redis.shop.svc:6379, outside the pod (docs/manifests.md#liveness-external)
2 errors, 0 warnings, 0 info in 1 file
`,
    );
    assert.equal(formatText([], 3), 'no findings in 3 files\n');
  });

  it('json: every field of every finding, and the counts', () => {
    const parsed = JSON.parse(formatJson(findings, files));
    assert.deepEqual(Object.keys(parsed), ['findings', 'errors', 'warnings', 'infos', 'files']);
    assert.equal(parsed.errors, 2);
    assert.deepEqual(Object.keys(parsed.findings[0]).sort(), [
      'docs',
      'file',
      'line',
      'message',
      'object',
      'path',
      'rule',
      'severity',
    ]);
  });

  it('sarif: valid against the SARIF 2.1.0 JSON schema, with rule, level, file and line', () => {
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    // The schema's language pattern is not valid with the u flag, which ajv adds by default.
    // Both are CommonJS modules whose default export is the module object under NodeNext.
    const Ajv = AjvDraft04 as unknown as typeof AjvDraft04.default;
    const addFormats = formats as unknown as typeof formats.default;
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const stdin = lint([{ name: 'stdin', text }]).findings;
    for (const log of [formatSarif(findings), formatSarif([]), formatSarif(stdin)]) {
      const data = JSON.parse(log);
      assert.ok(validate(data), JSON.stringify(validate.errors, null, 2));
    }
    const result = JSON.parse(formatSarif(findings)).runs[0].results[0];
    assert.equal(result.ruleId, 'liveness-external');
    assert.equal(result.level, 'error');
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: 'web.yaml' },
      region: { startLine: 14 },
    });
    // The schema check can fail: a result without a message is refused.
    const broken = JSON.parse(formatSarif(findings));
    delete broken.runs[0].results[0].message;
    assert.equal(validate(broken), false);
  });

  it('input that is not manifests is refused naming the file and document', () => {
    assert.throws(
      () => lint([{ name: 'bad.yaml', text: 'kind: Pod\n---\n[1, 2\n' }]),
      (error: unknown) =>
        error instanceof ConfigError && /bad\.yaml document 2 \(line \d+\)/.test(error.message),
    );
    assert.throws(
      () => lint([{ name: 'pod.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n' }]),
      (error: unknown) =>
        error instanceof ConfigError &&
        /pod\.yaml document 1 Pod\/p: spec\.containers: must be a non-empty list/.test(error.message),
    );
  });
});
