// `probekit inject`: each workload of a YAML stream gets probekit as a native sidecar, its app containers'
// probes moved into a generated ConfigMap and pointed at the sidecar. Everything else passes through untouched.
import type { ProbeKind } from '@probekit/core';
import { Document, isSeq } from 'yaml';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { configText } from './config.js';
import {
  bootSeconds,
  CONFIG_KEY,
  configMapFor,
  configVolume,
  kubeletProbe,
  probeTiming,
  SIDECAR_NAME,
  type SidecarOptions,
  sidecarContainer,
} from './sidecar.js';
import { documentsOf, type Input, joinStreams, printOptions } from './stream.js';
import { type CheckEntry, checkName, KIND_OF, probeToCheck } from './translate.js';
import {
  formatKeys,
  isObject,
  type Keys,
  objectsOf,
  PROBE_FIELDS,
  type ProbeField,
  type WorkloadRef,
  workloadOf,
} from './workloads.js';
import { append, commentKey, put } from './yaml-edit.js';

export interface InjectOptions extends SidecarOptions {
  /** Readiness dependencies (`--check`), as config entries, added to every workload's config. */
  readonly dependencies: readonly CheckEntry[];
}

export interface InjectResult {
  /** The streams with every workload wired, and its ConfigMap after it. */
  readonly text: string;
  /** Only the generated ConfigMaps (`--config-only`). */
  readonly configMaps: string;
  /** One line per workload saying what was done, for stderr. */
  readonly notes: readonly string[];
}

/** Injects every input; throws ConfigError listing every problem (with file, document and field path) if any. */
export function inject(inputs: readonly Input[], options: InjectOptions): InjectResult {
  const problems: ConfigProblem[] = [];
  const notes: string[] = [];
  const outputs: string[] = [];
  const configMaps: string[] = [];
  for (const input of inputs) {
    const documents = documentsOf(input, problems);
    if (!documents) continue;
    const pieces: string[] = [];
    for (const { doc, text, index } of documents) {
      const where = `${input.name} document ${index}`;
      const found = objectsOf(doc, where);
      problems.push(...found.problems);
      const added: { object: Keys; configMap: Record<string, unknown> }[] = [];
      for (const object of found.objects) {
        const workload = workloadOf(object, where);
        if (workload === undefined) continue;
        if ('problems' in workload) {
          problems.push(...workload.problems);
          continue;
        }
        const result = wire(doc, workload, options, where);
        if ('problems' in result) problems.push(...result.problems);
        else if ('note' in result) notes.push(`${input.name}: ${workload.label}: ${result.note}`);
        else {
          notes.push(`${input.name}: ${workload.label}: ${result.summary}`);
          added.push({ object: workload.base, configMap: result.configMap });
        }
      }
      if (added.length === 0) {
        pieces.push(text);
        continue;
      }
      const print = printOptions(text);
      // In a List the ConfigMap becomes the item after its workload; highest index first keeps indexes valid.
      const inList = added.filter(({ object }) => object.length > 0).reverse();
      for (const { object, configMap } of inList) {
        const items = doc.getIn(['items'], true);
        if (isSeq(items)) items.items.splice(Number(object[1]) + 1, 0, doc.createNode(configMap));
      }
      pieces.push(doc.toString(print));
      for (const { object, configMap } of added) {
        const printed = new Document(configMap).toString(print);
        configMaps.push(printed);
        if (object.length === 0) pieces.push(`---\n${printed}`);
      }
    }
    outputs.push(pieces.join(''));
  }
  if (problems.length > 0) throw new ConfigError(inputs.map((input) => input.name).join(', '), problems);
  return { text: joinStreams(outputs), configMaps: joinStreams(configMaps), notes };
}

type Wired =
  | { configMap: Record<string, unknown>; summary: string }
  | { note: string }
  | { problems: ConfigProblem[] };

/** Wires one workload in place: moves its probes, adds the sidecar and the volume. */
function wire(doc: Document, workload: WorkloadRef, options: InjectOptions, where: string): Wired {
  const spec = workload.spec;
  const all = [...spec.containers, ...(spec.initContainers ?? [])];
  if (all.some((container) => container.name === SIDECAR_NAME))
    return { note: `already has a container named ${SIDECAR_NAME}; left as it is` };
  const at = (keys: Keys) => `${where} ${workload.label}: ${formatKeys([...workload.specPath, ...keys])}`;
  const problems: ConfigProblem[] = [];
  if (!workload.name)
    problems.push({ path: at([]), message: 'the workload needs metadata.name, to name its ConfigMap' });
  const volumes = (workload.spec as unknown as Record<string, unknown>)['volumes'];
  if (volumes !== undefined && volumes !== null && !Array.isArray(volumes))
    problems.push({ path: at(['volumes']), message: 'must be a list' });
  for (const container of all) {
    if (container.ports?.some((port) => port.containerPort === options.port)) {
      problems.push({
        path: at([]),
        message: `container ${JSON.stringify(container.name)} already uses port ${options.port}; give probekit another with --port`,
      });
    }
  }
  const checks: CheckEntry[] = [];
  const owners: { container: number; kind: ProbeKind; check: string | undefined }[] = [];
  const kept: string[] = [];
  spec.containers.forEach((container, index) => {
    for (const field of PROBE_FIELDS) {
      const probe = container[field];
      if (probe === undefined || probe === null) continue;
      if (!isObject(probe)) {
        problems.push({ path: at(['containers', index, field]), message: 'must be a mapping (a Probe)' });
        continue;
      }
      const moved = probeToCheck(probe, field, container, checkName(container.name, KIND_OF[field]));
      if ('problem' in moved)
        problems.push({ path: at(['containers', index, field]), message: moved.problem });
      else if ('kept' in moved) kept.push(`${container.name}'s ${field}`);
      else {
        checks.push(moved.check);
        owners.push({ container: index, kind: KIND_OF[field], check: moved.check.name });
      }
    }
  });
  const dependencies = options.dependencies.filter((dependency) =>
    checks.every((check) => check.name !== dependency.name),
  );
  if (dependencies.length > 0 && !owners.some((owner) => owner.kind === 'readiness')) {
    // No moved readiness probe carries the dependencies: the first container without one gets a new one.
    const free = spec.containers.findIndex((container) => container.readinessProbe === undefined);
    if (free < 0)
      problems.push({
        path: at(['containers']),
        message: 'every container keeps an exec readinessProbe, so no readiness probe can carry --check',
      });
    else owners.push({ container: free, kind: 'readiness', check: undefined });
  }
  if (problems.length > 0) return { problems };
  checks.push(...dependencies);

  const root = [...workload.base, ...workload.specPath];
  for (const owner of owners) {
    const container = spec.containers[owner.container]!;
    const field = fieldOf(owner.kind);
    const exclude = owners
      .filter((other) => other.kind === owner.kind && other.container !== owner.container && other.check)
      .map((other) => other.check!);
    const probe = kubeletProbe(
      owner.kind,
      options.port,
      exclude,
      timing(container, owner.kind),
      container[field],
    );
    const keys = [...root, 'containers', owner.container, field];
    put(doc, keys, doc.createNode(probe));
    commentKey(
      doc,
      keys,
      owner.check ? ` probekit answers this probe: check ${owner.check}` : ' probekit: --check dependencies',
    );
  }
  append(doc, [...root, 'initContainers'], sidecarContainer(options));
  const name = `${workload.name}-probekit`;
  append(doc, [...root, 'volumes'], configVolume(name));
  const text = configText(workload.label, options.port, checks);
  const moved = owners.filter((owner) => owner.check).length;
  const summary = [
    `${moved} probe${moved === 1 ? '' : 's'} moved to ConfigMap ${name} (${CONFIG_KEY})`,
    ...(dependencies.length > 0
      ? [
          `${dependencies.length} --check ${dependencies.length === 1 ? 'dependency' : 'dependencies'} added to readiness`,
        ]
      : []),
    ...(kept.length > 0 ? [`kept in place (exec runs in its own container): ${kept.join(', ')}`] : []),
  ].join('; ');
  return { configMap: configMapFor(workload, name, text), summary };
}

function fieldOf(kind: ProbeKind): ProbeField {
  return PROBE_FIELDS.find((field) => KIND_OF[field] === kind)!;
}

// The timing the kubelet keeps: the startup deadline, and (liveness) the wait after each container start for the
// app to come up and probekit to see it, since probekit's state outlives a restart of the app container.
function timing(container: WorkloadRef['spec']['containers'][number], kind: ProbeKind) {
  if (kind === 'startup' && container.startupProbe) {
    return {
      startupBudgetSeconds:
        bootSeconds(container.startupProbe) + probeTiming(container.startupProbe).periodSeconds,
    };
  }
  if (kind === 'liveness' && container.livenessProbe) {
    const liveness = probeTiming(container.livenessProbe);
    const boot = bootSeconds(container.startupProbe ?? container.livenessProbe);
    return { livenessDelaySeconds: boot + liveness.periodSeconds + liveness.timeoutSeconds };
  }
  return {};
}
