// "Did you mean …?" for a name that is not known: a typo, a dropped or swapped letter, another case, a prefix.

/** The candidate `word` was most likely meant to be, if one is close enough to say so. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  // A quarter of the letters may be wrong: `hots` → host, `periodSecond` → periodSeconds, not `x` → exec.
  const limit = Math.max(1, Math.floor(typed.length / 4));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const found = distance(typed, candidate.toLowerCase());
    if (found < bestDistance) [best, bestDistance] = [candidate, found];
  }
  // A unit left off (`timeout` for timeoutSeconds) is further than a typo, but unmistakable.
  return (
    best ??
    (typed.length >= 4
      ? candidates.find((candidate) => candidate.toLowerCase().startsWith(typed))
      : undefined)
  );
}

// Optimal string alignment distance: insertions, deletions, substitutions, and swaps of two neighbours.
function distance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
    }
    [before, previous] = [previous, current];
  }
  return previous[b.length]!;
}
