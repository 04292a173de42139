// `${VAR}` and `${VAR:-default}` in string values, applied after parsing so that a value can never inject structure.
import type { ConfigProblem } from '../errors.js';
import { formatPath, type Segment } from './path.js';
import { yaml } from './yaml.js';

/** `$${` is a literal `${`; `${NAME}` or `${NAME:-default}` a reference; any other `${` is an error. */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g;
const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

/** Variables whose names look like they hold secrets: their values are blanked from every reason and log line. */
export const SECRET_NAME = /TOKEN|PASSWORD|PASSWD|SECRET|KEY|CREDENTIAL|AUTH/i;

export type Environment = Readonly<Record<string, string | undefined>>;

export interface SubstituteOptions {
  /** Whether the value at `path` must stay a string (a header value, a token) even if its text reads as a number. */
  readonly isString?: (path: readonly Segment[]) => boolean;
  /**
   * What a reference to a variable that is unset (with no default) is: a problem (serve, validate), or unknown,
   * its value left as written and its path in `unknown` (lint, where the variables are the pod's, not known).
   * @default 'problem'
   */
  readonly unset?: 'problem' | 'unknown' | undefined;
}

/** Where a substituted value came from: the text as written and the text it became, for messages about it. */
export interface Origin {
  readonly written: string;
  readonly value: string;
}

/**
 * Substitutes references in every string of `data` (keys are left alone); returns the new data, the problems,
 * the origin of every substituted string by its display path, and the display paths of values left unknown.
 */
export function substitute(
  data: unknown,
  env: Environment,
  options: SubstituteOptions = {},
): { data: unknown; problems: ConfigProblem[]; origins: Map<string, Origin>; unknown: string[] } {
  const problems: ConfigProblem[] = [];
  const origins = new Map<string, Origin>();
  const unknown: string[] = [];
  const walk = (value: unknown, path: Segment[]): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      const before = problems.length;
      const unset: string[] = [];
      const text = expand(value, env, path, problems, unset);
      if (options.unset !== 'unknown') problems.push(...unset.map((name) => unsetProblem(name, path)));
      else if (unset.length > 0) unknown.push(formatPath(path));
      if (problems.length > before || unset.length > 0) return value;
      if (text !== value) origins.set(formatPath(path), { written: value, value: text });
      return WHOLE.test(value) && !options.isString?.(path) ? typed(text) : text;
    }
    if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index]));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, [...path, key]);
      return out;
    }
    return value;
  };
  return { data: walk(data, []), problems, origins, unknown };
}

/**
 * A problem found at a substituted value, reworded to name the reference, so that the fix is looked for in the
 * environment and not in the file: `${DB_PORT} is "54x32", not a port number`. `noun` is what the value should
 * be; without it, the problem's own `must be …` says it.
 */
export function blameReference(problem: ConfigProblem, origin: Origin, noun?: string): ConfigProblem {
  const became = origin.value === '' ? 'empty' : JSON.stringify(origin.value);
  const expectation = noun ?? /^must be (.*?)(?:, got [\s\S]*)?$/.exec(problem.message)?.[1];
  const message =
    expectation === undefined
      ? `${origin.written} is ${became}: ${problem.message}`
      : `${origin.written} is ${became}, not ${expectation}`;
  return { ...problem, message };
}

/** Values of the environment's secret-looking variables (4 characters or more: shorter ones would blank ordinary words). */
export function secretValues(env: Environment): string[] {
  return Object.entries(env)
    .filter((entry): entry is [string, string] => SECRET_NAME.test(entry[0]) && (entry[1]?.length ?? 0) >= 4)
    .map(([, value]) => value);
}

// The text with every reference replaced; a problem for a malformed reference, the name of an unset variable in
// `unset`, and the reference left as written for either.
function expand(
  text: string,
  env: Environment,
  path: readonly Segment[],
  problems: ConfigProblem[],
  unset: string[],
): string {
  return text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    if (name === undefined) {
      problems.push({
        path: formatPath(path),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the message is about ${ references
        message: 'has a "${" that is not ${NAME} or ${NAME:-default} (write $${ for a literal ${)',
      });
      return match;
    }
    const value = lookup(name, fallback, env);
    if (value === undefined) unset.push(name);
    return value ?? match;
  });
}

// `:-` as in the shell: the default applies when the variable is unset or empty. Undefined: unset, no default.
function lookup(name: string, fallback: string | undefined, env: Environment): string | undefined {
  const value = env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  return value;
}

function unsetProblem(name: string, path: readonly Segment[]): ConfigProblem {
  return {
    path: formatPath(path),
    message: `uses \${${name}}, which is not set (give a default with \${${name}:-value})`,
  };
}

/** The type YAML gives the text as a plain scalar (`8080` a number, `true` a boolean), never a structure. */
function typed(text: string): unknown {
  if (text.trim() === '') return text;
  const { isScalar, parseDocument } = yaml();
  const doc = parseDocument(text, { schema: 'core' });
  if (doc.errors.length > 0 || !isScalar(doc.contents) || doc.contents.type !== 'PLAIN') return text;
  const value = doc.contents.value;
  return typeof value === 'number' || typeof value === 'boolean' || value === null ? value : text;
}
