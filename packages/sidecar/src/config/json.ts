// The fast path of a config file that is JSON: JSON.parse rather than loading and running the YAML parser
// (tens of ms and a few MiB of the sidecar's start). JSON is YAML 1.2 and both read it to the same data, except
// where YAML is stricter: duplicate keys and nesting deeper than the limit. Such text, and anything JSON.parse
// refuses, is left to the YAML reader, which reports its problems with line and column as before.

/** The data of `text` if it is a JSON object or array with unique keys, nested at most `maxDepth` deep; else undefined. */
export function parseJsonConfig(text: string, maxDepth: number): { data: unknown } | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return uniqueAndShallow(text, maxDepth) ? { data } : undefined;
}

// One pass over text already known to be valid JSON: a set of keys per open object, none per open array.
function uniqueAndShallow(text: string, maxDepth: number): boolean {
  const open: (Set<string> | undefined)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (keyNext) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        const keys = open[open.length - 1]!;
        if (keys.has(key)) return false;
        keys.add(key);
        keyNext = false;
      }
      i = end;
    } else if (char === '{' || char === '[') {
      if (open.length === maxDepth) return false;
      open.push(char === '{' ? new Set() : undefined);
      keyNext = char === '{';
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      keyNext = open[open.length - 1] !== undefined;
    }
  }
  return true;
}
