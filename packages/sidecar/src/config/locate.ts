// Line and column of a value in a config's text, for problems found in the data (schema, core): the text is
// parsed again for it, only when there is a problem to place, so a valid config never pays for it.
import type { Node } from 'yaml';
import type { Segment } from './path.js';
import { yaml } from './yaml.js';

/** 1-based, as editors count. */
export interface Location {
  readonly line: number;
  readonly column: number;
}

/**
 * Where the value at `path` is written: its key for an entry of a mapping, the item for an entry of a list.
 * A path that is not in the text (a required key left out) is placed at the nearest mapping or list that is.
 */
export type Locate = (path: readonly Segment[]) => Location | undefined;

/** A Locate for `text` (YAML or JSON), parsing it on the first call. */
export function locator(text: string): Locate {
  let find: Locate | undefined;
  return (path) => {
    find ??= parse(text);
    return find(path);
  };
}

function parse(text: string): Locate {
  const { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, schema: 'core', merge: false });
  return (path) => {
    let node: unknown = doc.contents;
    let offset = (node as Node | null)?.range?.[0];
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc);
      let place: unknown;
      if (isMap(node) && typeof segment === 'string') {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
        [place, node] = [pair?.key, pair?.value];
      } else if (isSeq(node) && typeof segment === 'number') {
        [place, node] = [node.items[segment], node.items[segment]];
      } else place = undefined;
      const start = (place as Node | null | undefined)?.range?.[0];
      if (start === undefined) break;
      offset = start;
    }
    if (offset === undefined) return undefined;
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
}
