// A multi-document YAML stream as Kubernetes reads it: each document's own source text kept, so that a document
// nobody changed is written back byte for byte and a changed one is re-printed by yaml's Document API.
import { CST, type Document, LineCounter, Parser, parseAllDocuments, type ToStringOptions } from 'yaml';
import type { ConfigProblem } from '../errors.js';

/** One input stream: a file's name (or `stdin`) and its text. */
export interface Input {
  readonly name: string;
  readonly text: string;
}

/** One document of a stream. */
export interface StreamDocument {
  readonly doc: Document;
  /** Its source: leading comments, `---`, the content and a trailing `...`, exactly as read. */
  readonly text: string;
  /** 1-based position in the stream, for messages. */
  readonly index: number;
  /** Line numbers of the whole stream, for the ranges of `doc`'s nodes. */
  readonly lines: LineCounter;
}

/**
 * The documents of one input; undefined when it does not parse, its problems added to `problems` (inject and lint
 * report every input's at once) with the input's name before their path.
 */
export function documentsOf(input: Input, problems: ConfigProblem[]): readonly StreamDocument[] | undefined {
  const parsed = parseStream(input.text);
  if ('documents' in parsed) return parsed.documents;
  problems.push(...parsed.problems.map((problem) => ({ ...problem, path: `${input.name} ${problem.path}` })));
  return undefined;
}

/**
 * Parses as Kubernetes does: YAML 1.1 (`0644` is octal), but timestamps stay strings, as they do through
 * sigs.k8s.io/yaml. Duplicate keys and syntax errors are problems, with the document and line.
 */
function parseStream(text: string): { documents: StreamDocument[] } | { problems: ConfigProblem[] } {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    version: '1.1',
    lineCounter: lines,
    customTags: (tags) =>
      tags.filter((tag) =>
        typeof tag === 'string' ? tag !== 'timestamp' : tag.tag !== 'tag:yaml.org,2002:timestamp',
      ),
  });
  const list = Array.isArray(docs) ? docs : [];
  const problems = list.flatMap((doc, index) =>
    doc.errors.map((error) => {
      const pos = lines.linePos(error.pos[0]);
      return {
        path: `document ${index + 1} (line ${pos.line})`,
        // The library appends the position and a source excerpt; the path says where.
        message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
      };
    }),
  );
  if (problems.length > 0) return { problems };
  const texts = documentTexts(text);
  return {
    documents: list.map((doc, index) => ({ doc, text: texts[index] ?? '', index: index + 1, lines })),
  };
}

// Splits the stream at document boundaries: comments before a document belong to it, a `...` and anything
// after the last document to the one before. The tokens print back to their exact source, so the pieces
// joined again are the input.
function documentTexts(text: string): string[] {
  const texts: string[] = [];
  let pending = '';
  for (const token of new Parser().parse(text)) {
    const piece = CST.stringify(token);
    if (token.type === 'document') {
      texts.push(pending + piece);
      pending = '';
    } else if (texts.length > 0 && pending === '' && token.type === 'doc-end')
      texts[texts.length - 1] += piece;
    else pending += piece;
  }
  if (texts.length > 0) texts[texts.length - 1] += pending;
  return texts;
}

/** How a changed document is printed: no folding of long lines, and sequences indented as in the input. */
export function printOptions(text: string): ToStringOptions {
  return { lineWidth: 0, indentSeq: sequencesIndented(text) };
}

// `kubectl get -o yaml` writes `containers:\n- name: …` (not indented); most hand-written files indent.
function sequencesIndented(text: string): boolean {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length - 1; index++) {
    const key = /^( *)[^\s#-][^:#]*:\s*(#.*)?$/.exec(lines[index]!);
    if (!key) continue;
    const next = lines.slice(index + 1).find((line) => line.trim() !== '' && !line.trim().startsWith('#'));
    const item = next && /^( *)- /.exec(next);
    if (item) return item[1]!.length > key[1]!.length;
  }
  return true;
}

/** Joins streams; each after the first starts with `---`, so that its first document does not merge into the last. */
export function joinStreams(streams: readonly string[]): string {
  return streams
    .filter((stream) => stream.trim() !== '')
    .map((stream, index) => {
      if (index === 0 || /^(#.*\n|\s*\n)*---/.test(stream)) return stream;
      return `---\n${stream}`;
    })
    .map((stream) => (stream.endsWith('\n') ? stream : `${stream}\n`))
    .join('');
}
