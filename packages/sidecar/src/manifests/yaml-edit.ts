// Edits of a parsed manifest in place, as a person would make them: a new key where sorted keys put it, a sequence
// appended to (or created), a comment above a key. Everything not edited prints back as it was.
import { type Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Keys } from './workloads.js';

/** Appends to the sequence at `keys`, creating it if absent. */
export function append(doc: Document, keys: Keys, value: Record<string, unknown>): void {
  const node = doc.getIn(keys, true);
  if (isSeq(node)) node.items.push(doc.createNode(value));
  else put(doc, keys, doc.createNode([value]));
}

/** Sets the value at `keys`; a new key goes where it sorts if the map's keys are sorted, as kubectl prints them. */
export function put(doc: Document, keys: Keys, value: Node): void {
  const parent = doc.getIn(keys.slice(0, -1), true);
  const key = keys.at(-1);
  if (!isMap(parent) || parent.has(key)) {
    doc.setIn(keys, value);
    return;
  }
  const names = parent.items.map((item) => (isScalar(item.key) ? String(item.key.value) : ''));
  const sorted = names.every((name, index) => index === 0 || names[index - 1]! <= name);
  const at = sorted ? names.findIndex((name) => name > String(key)) : -1;
  const pair = doc.createPair(key, value);
  if (at < 0) parent.items.push(pair);
  else parent.items.splice(at, 0, pair);
}

/** A comment above the key of the pair at `keys`, so a reader of the manifest sees where the probe went. */
export function commentKey(doc: Document, keys: Keys, comment: string): void {
  const parent = doc.getIn(keys.slice(0, -1), true);
  if (!isMap(parent)) return;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === keys.at(-1));
  if (!pair || !isScalar(pair.key)) return;
  const key = pair.key as Node;
  key.commentBefore = key.commentBefore ? `${key.commentBefore}\n${comment}` : comment;
}
