// Schema validation with Ajv, its errors rewritten as `checks[1].httpGet.port: must be an integer 1-65535`.
import { closestName } from '@probekit/core/internal';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ConfigProblem } from '../errors.js';
import { formatPath, pointerSegments, type Segment } from './path.js';
import { CONFIG_SCHEMA, HANDLERS, PASTED_PROBES, PORT_MESSAGE } from './schema.js';
import generated from './schema-validator.generated.js';

interface SchemaNode {
  readonly type?: string;
  readonly title?: string;
  readonly $ref?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: boolean | SchemaNode;
  readonly errorMessage?: string;
}

// A Kubernetes port name (IANA_SVC_NAME): up to 15 lowercase letters, digits and inner dashes, one letter at least.
const NAMED_PORT = /^(?=.*[a-z])[a-z0-9](?:[a-z0-9-]{0,13}[a-z0-9])?$/;

// Compiled ahead of time by scripts/write-schema.mjs: Ajv itself is never loaded at run time.
const validator = generated as unknown as ValidateFunction;

/** Every schema problem of `data`, one per path and message, in document order. */
export function schemaProblems(data: unknown): ConfigProblem[] {
  if (validator(data)) return [];
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const error of validator.errors ?? []) {
    const problem = describe(error, data);
    if (!problem) continue;
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

/** Whether the schema wants a string at `path`: such a value keeps its text when a variable is substituted. */
export function isStringAt(path: readonly Segment[]): boolean {
  return schemaAt(path)?.type === 'string';
}

/** What the schema calls the value at `path` (`a port number`), if it names it. */
export function nounAt(path: readonly Segment[]): string | undefined {
  const title = schemaAt(path)?.title;
  return title && `${/^[aeiou]/i.test(title) ? 'an' : 'a'} ${title[0]!.toLowerCase()}${title.slice(1)}`;
}

function schemaAt(path: readonly Segment[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = CONFIG_SCHEMA as SchemaNode;
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === 'number') node = node.items;
    else
      node =
        node.properties?.[segment] ??
        (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    node = node?.$ref === undefined ? node : definition(node.$ref);
  }
  return node;
}

// `#/definitions/httpGet` → that node; the schema refers to nothing else.
function definition(ref: string): SchemaNode | undefined {
  const definitions = (CONFIG_SCHEMA as { definitions: Record<string, SchemaNode> }).definitions;
  return definitions[ref.replace('#/definitions/', '')];
}

function describe(error: ErrorObject, data: unknown): ConfigProblem | undefined {
  // A check's oneOf branches only say which handler key is missing; the oneOf error itself says it better.
  if (error.schemaPath.includes('/oneOf/')) return undefined;
  const at = pointerSegments(error.instancePath, data);
  const schema = error.parentSchema as SchemaNode | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = Object.keys(schema?.properties ?? {}).filter((key) => key !== '$schema');
      const key = String(error.params['additionalProperty']);
      const meant = closestName(key, known);
      const message =
        meant === undefined
          ? `is not a known key (known: ${known.join(', ')})`
          : `is not a known key; did you mean ${meant}?`;
      return { path: formatPath([...at, key]), message };
    }
    case 'required':
      return { path: formatPath([...at, String(error.params['missingProperty'])]), message: 'is required' };
    case 'oneOf': {
      // A check that is not a mapping (null, 5) has its own "must be a mapping"; its handlers say nothing more.
      if (typeof error.data !== 'object' || error.data === null || Array.isArray(error.data))
        return undefined;
      const present = [...HANDLERS, ...Object.keys(PASTED_PROBES)].filter((handler) =>
        Object.hasOwn(error.data as object, handler),
      );
      const expected = `${HANDLERS.slice(0, -1).join(', ')} or ${HANDLERS.at(-1)}`;
      const message =
        present.length === 0
          ? `must have one of ${expected}`
          : `must have only one of ${expected}, not ${present.join(' and ')}`;
      return { path: formatPath(at), message };
    }
  }
  if (
    schema?.errorMessage === PORT_MESSAGE &&
    typeof error.data === 'string' &&
    NAMED_PORT.test(error.data)
  ) {
    // Kubernetes resolves a named port from the container spec; a sidecar has no such spec to read.
    const name = JSON.stringify(error.data);
    const message = `${PORT_MESSAGE}: ${name} is a named port, which only the pod spec resolves; give its number, the containerPort of the entry named ${name} in the container's ports: list`;
    return { path: formatPath(at), message };
  }
  return { path: formatPath(at), message: schema?.errorMessage ?? error.message ?? error.keyword };
}
