// YAML syntax errors as problems: the first few only (one broken token can cascade into hundreds), and for
// the commonest cause, an unquoted `${VAR}` inside `{ … }` or `[ … ]`, how to write it instead.
import type { ConfigProblem } from '../errors.js';

/** Syntax errors shown at most; the rest are counted, since they usually follow from the first. */
export const MAX_SYNTAX_PROBLEMS = 5;

/** A syntax error: where it starts (an offset into the text) and the parser's message. */
export interface YamlError {
  readonly offset: number;
  readonly message: string;
}

const REFERENCE = /\$\{[^}\s]*\}?/y;
const KEY_BEFORE = /([A-Za-z0-9_.-]+)["']?\s*:\s*$/;

/** Problems for `errors` in document order, positions worded by `at`. */
export function syntaxProblems(
  text: string,
  errors: readonly YamlError[],
  at: (offset: number) => string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  let coveredUntil = -1;
  for (const error of [...errors].sort((a, b) => a.offset - b.offset)) {
    if (error.offset < coveredUntil) continue;
    const reference = unquotedReference(text, error.offset);
    if (reference) {
      coveredUntil = reference.end;
      problems.push({ path: at(reference.start), message: reference.message });
    } else problems.push({ path: at(error.offset), message: error.message });
  }
  if (problems.length <= MAX_SYNTAX_PROBLEMS) return problems;
  const rest = problems.length - MAX_SYNTAX_PROBLEMS;
  return [
    ...problems.slice(0, MAX_SYNTAX_PROBLEMS),
    {
      path: '(file)',
      message: `${rest} more YAML ${rest === 1 ? 'error' : 'errors'} not shown: they usually follow from the first, fix it and validate again`,
    },
  ];
}

// In flow context `{` and `}` are structure, so `${PORT}` breaks the parse right at (or just after) its `$`.
function unquotedReference(
  text: string,
  offset: number,
): { start: number; end: number; message: string } | undefined {
  const start = text.startsWith('${', offset) ? offset : text.startsWith('${', offset - 1) ? offset - 1 : -1;
  if (start < 0) return undefined;
  REFERENCE.lastIndex = start;
  const reference = REFERENCE.exec(text)?.[0] ?? '${';
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const key = KEY_BEFORE.exec(text.slice(lineStart, start))?.[1];
  const quoted = `"${reference}"`;
  return {
    start,
    end: start + reference.length,
    message: `${reference} is not quoted inside { … } or [ … ], where YAML reads { and } as structure: write ${key === undefined ? quoted : `${key}: ${quoted}`}`,
  };
}
