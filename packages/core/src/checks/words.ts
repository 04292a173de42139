// The argv of an `exec:` target: split as a POSIX shell splits words, and refused wherever a shell would do more.
// Hand-written rather than shell-quote's parse(): that accepts an unterminated quote, keeps backticks, `~` and `[`
// as plain text, runs `A=b cmd` as a command named `A=b` and expands `$VAR` to '' — each a silent difference from
// the shell the user had in mind. The rules a shell applies to quoting alone are few enough to state here whole.
import { InvalidCheckError } from '../errors.js';

// Operators, expansions and globs: what makes a word more than its letters, anywhere outside quotes.
const SHELL_ONLY = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`', '*', '?', '[']);
// Special only where a word starts: a comment, a home directory.
const SHELL_AT_START = new Set(['#', '~']);
// `NAME=value cmd` sets a variable for cmd in a shell.
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const BLANK = /[ \t\n]/;

/**
 * Splits `text` into words: blanks separate them; '…' is literal; "…" is literal but for \" \\ \$ \`;
 * a backslash outside quotes takes the next character as it is. `shown` is what an error may repeat.
 */
export function splitWords(text: string, shown: string): string[] {
  const refuse = (problem: string) => new InvalidCheckError('target', problem, shown);
  const needsShell = (what: string) =>
    refuse(
      `${JSON.stringify(what)} needs a shell: write exec:sh -c '…' (the shorthand splits words and runs no shell)`,
    );
  const words: string[] = [];
  let word: string | undefined; // undefined between words; '' once an empty quoted word began
  let raw = ''; // the first word as written, to find an assignment
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (BLANK.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    const start = i;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw refuse(`has an unterminated ' quote`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let inner = '';
      for (i++; text.charAt(i) !== '"'; i++) {
        if (i >= text.length) throw refuse('has an unterminated " quote');
        const d = text.charAt(i);
        if (d === '$' || d === '`') throw needsShell(d);
        if (d === '\\' && '"\\$`'.includes(text.charAt(i + 1))) i++;
        inner += text.charAt(i);
      }
      word = (word ?? '') + inner;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw refuse('ends with a lone \\');
      word = (word ?? '') + text.charAt(++i);
    } else {
      if (SHELL_ONLY.has(c) || (word === undefined && SHELL_AT_START.has(c))) throw needsShell(c);
      word = (word ?? '') + c;
    }
    if (words.length === 0) raw += text.slice(start, i + 1);
  }
  if (word !== undefined) words.push(word);
  const assignment = ASSIGNMENT.exec(raw);
  if (assignment) throw needsShell(`${assignment[1]}=…`);
  return words;
}
