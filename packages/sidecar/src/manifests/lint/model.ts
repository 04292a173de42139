// What lint looks at, gathered from every input: pods (with their probekit sidecar and its config, if any),
// Services, and probekit configs (files of their own, or a ConfigMap's probekit.yaml).
import { basename } from 'node:path';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ConfigError, type ConfigProblem } from '../../errors.js';
import { CONFIG_KEY } from '../sidecar.js';
import { documentsOf, type Input } from '../stream.js';
import {
  type Container,
  getIn,
  isObject,
  type Keys,
  type ObjectRef,
  objectsOf,
  type WorkloadRef,
  workloadOf,
} from '../workloads.js';
import { configProblems } from './config-problems.js';
import { sidecarOf } from './sidecar-of.js';

/** Something with a place in a file: `lineOf` turns a path within it into a 1-based line. */
export interface Placed {
  readonly file: string;
  /** `Deployment/web`, `ConfigMap/web-probekit`, or the file's name for a config file. */
  readonly object: string;
  lineOf(keys: Keys): number | undefined;
}

/** A probekit config, as plain data. */
export interface LintConfig extends Placed {
  readonly data: Record<string, unknown>;
  /** The field path prefix shown in findings: `data["probekit.yaml"].` for a ConfigMap. */
  readonly prefix: string;
  readonly configMap: { name: string; namespace: string | undefined } | undefined;
}

/** The probekit container of a pod, and what it serves. */
export interface Sidecar {
  readonly container: Container;
  /** `initContainers` or `containers`. */
  readonly list: 'initContainers' | 'containers';
  readonly index: number;
  readonly config: LintConfig | undefined;
  readonly port: number;
  readonly host: string | undefined;
}

export interface LintPod extends Placed {
  readonly workload: WorkloadRef;
  readonly sidecar: Sidecar | undefined;
}

export interface LintService extends Placed {
  readonly service: ObjectRef;
}

/** A config probekit would refuse, with the problems its loader finds (placed within the config's own text). */
export interface InvalidConfig {
  readonly file: string;
  readonly object: string;
  /** The config's place in its object: `data["probekit.yaml"]`, or `(file)` for a config file. */
  readonly path: string;
  /** As the loader words them, positions counted within the config's own text. */
  readonly problems: readonly ConfigProblem[];
  /** The key of a ConfigMap's embedded config (`probekit.yaml`); undefined for a config file. */
  readonly embedded: string | undefined;
  /** The file's line of a line of the config's text; undefined: where the config starts. */
  lineAt(line: number | undefined): number | undefined;
}

export interface Model {
  readonly pods: readonly LintPod[];
  readonly services: readonly LintService[];
  readonly configs: readonly LintConfig[];
  readonly invalidConfigs: readonly InvalidConfig[];
  readonly files: number;
}

const CONFIG_KEYS = new Set(['$schema', 'server', 'defaults', 'checks', 'fleet']);

/** Builds the model; input that cannot be read as manifests throws ConfigError naming the file and document. */
export function buildModel(inputs: readonly Input[]): Model {
  const problems: ConfigProblem[] = [];
  const pods: { placed: Placed; workload: WorkloadRef }[] = [];
  const services: LintService[] = [];
  const configs: LintConfig[] = [];
  const invalidConfigs: InvalidConfig[] = [];
  for (const input of inputs) {
    const documents = documentsOf(input, problems);
    if (!documents) continue;
    let offset = 0;
    for (const { doc, index, lines, text } of documents) {
      const where = `${input.name} document ${index}`;
      const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
      // The document's text starts at this line of the file.
      const first = lines.linePos(offset).line;
      offset += text.length;
      if (isObject(data) && data['kind'] === undefined && looksLikeConfig(data)) {
        const object = basename(input.name);
        const lineOf = lineFinder(doc, lines, []);
        configs.push({ file: input.name, object, data, prefix: '', configMap: undefined, lineOf });
        const problems = configProblems(text);
        if (problems.length > 0)
          invalidConfigs.push({
            file: input.name,
            object,
            path: '(file)',
            problems,
            embedded: undefined,
            lineAt: (line) => (line === undefined ? lineOf([]) : first + line - 1),
          });
        continue;
      }
      const found = objectsOf(doc, where);
      problems.push(...found.problems);
      for (const object of found.objects) {
        const placed: Placed = {
          file: input.name,
          object: object.label,
          lineOf: lineFinder(doc, lines, object.base),
        };
        if (object.kind === 'Service') services.push({ ...placed, service: object });
        else if (object.kind === 'ConfigMap') {
          const { config, invalid } = configInMap(doc, lines, object, input.name);
          if (config) configs.push(config);
          if (invalid) invalidConfigs.push(invalid);
        } else {
          const workload = workloadOf(object, where);
          if (workload && 'problems' in workload) problems.push(...workload.problems);
          else if (workload) pods.push({ placed, workload });
        }
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(inputs.map((input) => input.name).join(', '), problems);
  return {
    pods: pods.map(({ placed, workload }) => ({
      ...placed,
      workload,
      sidecar: sidecarOf(workload, configs),
    })),
    services,
    configs,
    invalidConfigs,
    files: inputs.length,
  };
}

/** A mapping is a probekit config when it has checks or fleet (or a server) and nothing a config cannot have. */
function looksLikeConfig(data: Record<string, unknown>): boolean {
  const keys = Object.keys(data);
  return (
    keys.length > 0 &&
    keys.every((key) => CONFIG_KEYS.has(key)) &&
    (Array.isArray(data['checks']) || 'fleet' in data || 'server' in data)
  );
}

// A ConfigMap's probekit.yaml, with lines counted from where its text starts in the manifest: as data for the
// rules when it reads as a mapping, and invalid when probekit would refuse it.
function configInMap(
  doc: Document,
  lines: LineCounter,
  object: ObjectRef,
  file: string,
): { config?: LintConfig; invalid?: InvalidConfig } {
  const text = getIn(object.data, ['data', CONFIG_KEY]);
  if (typeof text !== 'string') return {};
  const node = doc.getIn([...object.base, 'data', CONFIG_KEY], true) as Node | undefined;
  const start = node?.range ? lines.linePos(node.range[0]).line : undefined;
  // A block scalar's text starts on the line after its `|`; any other style is located at its own line.
  const block = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
  const lineAt = (line: number | undefined) =>
    start === undefined || !block || line === undefined ? start : start + line;
  const path = `data["${CONFIG_KEY}"]`;
  const problems = configProblems(text);
  const invalid =
    problems.length > 0
      ? { file, object: object.label, path, problems, embedded: CONFIG_KEY, lineAt }
      : undefined;
  const innerLines = new LineCounter();
  const inner = parseDocument(text, { lineCounter: innerLines });
  const data = inner.errors.length === 0 ? (inner.toJS() as unknown) : undefined;
  if (!isObject(data)) return invalid ? { invalid } : {};
  const config: LintConfig = {
    file,
    object: object.label,
    data,
    prefix: `${path}.`,
    configMap: { name: object.name, namespace: object.namespace },
    lineOf: (keys) => lineAt(lineFinder(inner, innerLines, [])(keys)),
  };
  return invalid ? { config, invalid } : { config };
}

/** The line of the field at `keys` (below `base`): its key's line in a mapping, its item's in a sequence. */
function lineFinder(doc: Document, lines: LineCounter, base: Keys): (keys: Keys) => number | undefined {
  return (keys) => {
    let node: unknown = doc.contents;
    let offsetOf: number | undefined = (node as Node | null)?.range?.[0];
    for (const key of [...base, ...keys]) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
        if (!pair) break;
        offsetOf = (pair.key as Node).range?.[0] ?? offsetOf;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        offsetOf = (node as Node | undefined)?.range?.[0] ?? offsetOf;
      } else break;
    }
    return offsetOf === undefined ? undefined : lines.linePos(offsetOf).line;
  };
}
