// Where each workload kind keeps its pod spec, and walking a document (or the items of a `List`) to find them.
import { type Document, isMap, isSeq, type YAMLMap } from 'yaml';
import type { ConfigProblem } from '../errors.js';

/** A path into a document: map keys and sequence indexes. */
export type Keys = readonly (string | number)[];

/** The path from each kind's object to its pod spec, and to its pod template's metadata (the Pod's own for a Pod). */
const POD_SPEC: Readonly<Record<string, { spec: Keys; metadata: Keys }>> = {
  Deployment: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  StatefulSet: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  DaemonSet: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  ReplicaSet: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  Job: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  CronJob: {
    spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    metadata: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
  },
  Pod: { spec: ['spec'], metadata: ['metadata'] },
};

/** The kinds whose pods inject wires and lint checks. */
export const WORKLOAD_KINDS = Object.keys(POD_SPEC);

/** One Kubernetes object of a document: the document itself, or an item of a `List`. */
export interface ObjectRef {
  /** Path from the document's root to the object: `[]`, or `['items', 3]`. */
  readonly base: Keys;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  /** The object as plain data. */
  readonly data: Record<string, unknown>;
  /** `Deployment/web`, for messages. */
  readonly label: string;
}

/** A workload found in a document, with its pod spec as plain data. */
export interface WorkloadRef extends ObjectRef {
  /** Path from the object to its pod spec. */
  readonly specPath: Keys;
  readonly spec: PodSpec;
  /** The pod template's labels (a Service selects on them). */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** The parts of a pod spec that probes involve. */
export interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Record<string, unknown>[];
  readonly terminationGracePeriodSeconds?: number;
}

/** The parts of a container that probes involve. */
export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly args?: readonly string[];
  readonly command?: readonly string[];
  readonly ports?: readonly { containerPort?: number; name?: string; protocol?: string }[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly restartPolicy?: string;
  readonly volumeMounts?: readonly { name?: string; mountPath?: string }[];
  readonly lifecycle?: { preStop?: Record<string, unknown> };
}

/** A Kubernetes Probe object. */
export interface Probe {
  readonly httpGet?: {
    path?: string;
    port?: number | string;
    host?: string;
    scheme?: string;
    httpHeaders?: { name: string; value: string }[];
  };
  readonly tcpSocket?: { port?: number | string; host?: string };
  readonly grpc?: { port?: number; service?: string };
  readonly exec?: { command?: string[] };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly successThreshold?: number;
  readonly failureThreshold?: number;
  readonly terminationGracePeriodSeconds?: number;
}

/** The probe fields of a container, in the order the kubelet uses them. */
export const PROBE_FIELDS = ['startupProbe', 'livenessProbe', 'readinessProbe'] as const;
export type ProbeField = (typeof PROBE_FIELDS)[number];

/** Every Kubernetes object of a document: the document, or each item of a `List`. Non-objects are problems. */
export function objectsOf(doc: Document, where: string): { objects: ObjectRef[]; problems: ConfigProblem[] } {
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (data === null || data === undefined) return { objects: [], problems: [] };
  if (!isObject(data)) {
    return { objects: [], problems: [{ path: where, message: `must be a mapping, not ${describe(data)}` }] };
  }
  if (data['kind'] === 'List' || (typeof data['kind'] === 'string' && data['kind'].endsWith('List'))) {
    const items = data['items'];
    if (items === undefined || items === null) return { objects: [], problems: [] };
    if (!Array.isArray(items))
      return { objects: [], problems: [{ path: `${where} items`, message: 'must be a list' }] };
    const objects: ObjectRef[] = [];
    const problems: ConfigProblem[] = [];
    items.forEach((item, index) => {
      if (isObject(item)) objects.push(objectRef(item, ['items', index]));
      else
        problems.push({
          path: `${where} items[${index}]`,
          message: `must be a mapping, not ${describe(item)}`,
        });
    });
    return { objects, problems };
  }
  return { objects: [objectRef(data, [])], problems: [] };
}

function objectRef(data: Record<string, unknown>, base: Keys): ObjectRef {
  const metadata = isObject(data['metadata']) ? data['metadata'] : {};
  const kind = typeof data['kind'] === 'string' ? data['kind'] : '';
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined;
  return { base, kind, name, namespace, data, label: `${kind || '(no kind)'}/${name || '(no name)'}` };
}

/** The workload an object is, with its pod spec checked for what inject and lint rely on; undefined for other kinds. */
export function workloadOf(
  object: ObjectRef,
  where: string,
): WorkloadRef | { problems: ConfigProblem[] } | undefined {
  const paths = POD_SPEC[object.kind];
  if (!paths) return undefined;
  const at = (keys: Keys) => `${where} ${object.label}: ${formatKeys(keys)}`;
  const spec = getIn(object.data, paths.spec);
  if (!isObject(spec))
    return { problems: [{ path: at(paths.spec), message: 'must be a mapping (the pod spec)' }] };
  const problems: ConfigProblem[] = [];
  for (const field of ['containers', 'initContainers'] as const) {
    const list = spec[field];
    const keys = [...paths.spec, field];
    if (list === undefined && field === 'initContainers') continue;
    if (!Array.isArray(list) || (field === 'containers' && list.length === 0)) {
      problems.push({ path: at(keys), message: 'must be a non-empty list of containers' });
      continue;
    }
    list.forEach((container, index) => {
      if (!isObject(container) || typeof container['name'] !== 'string' || container['name'] === '')
        problems.push({ path: at([...keys, index]), message: 'must be a container with a name' });
    });
  }
  if (problems.length > 0) return { problems };
  const metadata = getIn(object.data, paths.metadata);
  const labels = isObject(metadata) && isObject(metadata['labels']) ? metadata['labels'] : {};
  return {
    ...object,
    specPath: paths.spec,
    spec: spec as unknown as PodSpec,
    podLabels: Object.fromEntries(Object.entries(labels).map(([key, value]) => [key, String(value)])),
  };
}

/** `spec.template.spec.containers[0].livenessProbe`, as kubectl explain and the issue write field paths. */
export function formatKeys(keys: Keys): string {
  return keys.reduce<string>(
    (path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key),
    '',
  );
}

/** The value at `keys` in plain data, or undefined. */
export function getIn(data: unknown, keys: Keys): unknown {
  let value = data;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** The map node at `keys`, or undefined. */
export function mapAt(doc: Document, keys: Keys): YAMLMap | undefined {
  const node = doc.getIn(keys, true);
  return isMap(node) ? node : undefined;
}

/** Whether the node at `keys` is a sequence. */
export function isSeqAt(doc: Document, keys: Keys): boolean {
  return isSeq(doc.getIn(keys, true));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 40))}` : String(value);
}
