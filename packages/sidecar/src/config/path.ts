// Display paths of config values: `checks[1].httpGet.port`, as every config problem names its place.

export type Segment = string | number;

/** `['checks', 1, 'httpGet', 'port']` → `checks[1].httpGet.port`; keys that are not identifiers are quoted. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out || '(file)';
}

/** `checks[1].httpGet.port` → `['checks', 1, 'httpGet', 'port']`: the inverse of formatPath; `(file)` is the root. */
export function parsePath(path: string): Segment[] {
  if (path === '(file)') return [];
  const segments: Segment[] = [];
  for (const [, key, index, quoted] of path.matchAll(
    /\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g,
  ))
    segments.push(
      index !== undefined ? Number(index) : quoted !== undefined ? (JSON.parse(quoted) as string) : key!,
    );
  return segments;
}

/** A JSON Pointer (`/checks/1/httpGet`, as Ajv reports) → segments; array indexes become numbers. */
export function pointerSegments(pointer: string, data: unknown): Segment[] {
  if (pointer === '') return [];
  const segments: Segment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    node = node === null || typeof node !== 'object' ? undefined : (node as Record<string, unknown>)[key];
  }
  return segments;
}
