// Reading a config file: YAML 1.2 (JSON is a subset) into plain data, refusing anything that is not plain data.
import { open } from 'node:fs/promises';
import type { Node } from 'yaml';
import type { ConfigProblem } from '../errors.js';
import { parseJsonConfig } from './json.js';
import { syntaxProblems } from './syntax.js';
import { yaml } from './yaml.js';

/** Config files larger than this are refused, read no further than this: a probe config is a few KiB. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Aliases expanded at most, so that an alias bomb ("billion laughs") is refused instead of expanded. */
export const MAX_ALIAS_COUNT = 50;
/**
 * Collections nested deeper are refused before the document is built: yaml builds it recursively, and V8 can
 * abort the process (not throw) when that recursion meets the end of the stack. A config nests about 6 deep.
 */
export const MAX_DEPTH = 64;

const PLAIN_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((tag) => `tag:yaml.org,2002:${tag}`),
);

/** The parsed content of a file, or the problems that stopped it being parsed. */
export type ReadResult =
  | { readonly data: unknown; readonly text: string }
  | { readonly problems: ConfigProblem[] };

/** Reads and parses a config file. I/O errors become a problem with the path `(file)`. */
export async function readConfigFile(file: string): Promise<ReadResult> {
  let buffer: Buffer | undefined;
  try {
    buffer = await readAtMost(file, MAX_FILE_BYTES);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message;
    return { problems: [{ path: '(file)', message: `cannot be read: ${reason}` }] };
  }
  if (buffer === undefined) {
    return { problems: [{ path: '(file)', message: `is larger than ${MAX_FILE_BYTES / 1024} KiB` }] };
  }
  const text = buffer.toString('utf8');
  const parsed = parseConfigText(text);
  return 'problems' in parsed ? parsed : { data: parsed.data, text };
}

/** Parses YAML or JSON text into plain data: mappings with string keys, lists, strings, numbers, booleans, null. */
export function parseConfigText(text: string): { data: unknown } | { problems: ConfigProblem[] } {
  return parseJsonConfig(text, MAX_DEPTH) ?? parseYamlConfig(text);
}

/** The YAML reader alone, without the JSON fast path: it decides every text the fast path leaves, problems worded with line and column. */
export function parseYamlConfig(text: string): { data: unknown } | { problems: ConfigProblem[] } {
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } = yaml();
  const deep = tooDeep(text);
  if (deep) return { problems: [{ path: deep, message: `nests deeper than ${MAX_DEPTH} levels` }] };
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    strict: true,
  });
  const at = (offset: number | undefined) => {
    const pos = lines.linePos(offset ?? 0);
    return `line ${pos.line}, column ${pos.col}`;
  };
  const problems = syntaxProblems(
    text,
    [...doc.errors, ...doc.warnings].map((error) => ({
      offset: error.pos[0],
      // The library appends " at line L, column C:" and a source excerpt; the path already says where.
      message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
    })),
    at,
  );
  if (problems.length > 0) return { problems };
  visit(doc, (_key, node) => {
    if (isPair(node)) {
      if (!isScalar(node.key) || typeof node.key.value !== 'string') {
        problems.push({
          path: at((node.key as Node | null)?.range?.[0]),
          message: 'keys must be plain strings',
        });
      }
      return;
    }
    if (
      (isScalar(node) || isMap(node) || isSeq(node)) &&
      node.tag !== undefined &&
      !PLAIN_TAGS.has(node.tag)
    ) {
      problems.push({
        path: at(node.range?.[0]),
        message: `the tag ${node.tag} is not allowed: only plain data`,
      });
    }
  });
  if (problems.length > 0) return { problems };
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const bomb = error instanceof ReferenceError && /alias/i.test(error.message);
    const message = bomb
      ? `expands too many aliases (more than ${MAX_ALIAS_COUNT}; an alias bomb?)`
      : (error as Error).message;
    return { problems: [{ path: '(file)', message }] };
  }
}

// Where a collection first nests deeper than MAX_DEPTH, walking yaml's concrete syntax tree without recursion.
function tooDeep(text: string): string | undefined {
  const { LineCounter, Parser } = yaml();
  const lines = new LineCounter();
  const stack: [unknown, number][] = [...new Parser(lines.addNewLine).parse(text)].map((token) => [token, 0]);
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [token, depth] = entry;
    if (typeof token !== 'object' || token === null) continue;
    const { items, key, value, offset } = token as {
      items?: unknown[];
      key?: unknown;
      value?: unknown;
      offset?: number;
    };
    if (!Array.isArray(items)) stack.push([key, depth], [value, depth]);
    else if (depth === MAX_DEPTH) {
      const pos = lines.linePos(offset ?? 0);
      return `line ${pos.line}, column ${pos.col}`;
    } else for (const item of items) stack.push([item, depth + 1]);
  }
  return undefined;
}

// Reads up to `limit` bytes and stops there: `--config /dev/zero` or a runaway generated file is refused,
// not read into memory until the process dies. Undefined when the file holds more.
async function readAtMost(file: string, limit: number): Promise<Buffer | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(limit + 1);
    let filled = 0;
    while (filled <= limit) {
      const { bytesRead } = await handle.read(buffer, filled, limit + 1 - filled, null);
      if (bytesRead === 0) return buffer.subarray(0, filled);
      filled += bytesRead;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
