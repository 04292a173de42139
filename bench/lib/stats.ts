// Summaries of repeated measurements: the median with its min–max, and percentiles.

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Nearest-rank percentile of unsorted values (`p` in 0–100); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, n: sorted.length };
}

/** Divides each spread bound by a number (a ratio's median is the ratio of medians' run pairs, see ratioOf). */
export function ratioOf(candidate: readonly number[], baseline: readonly number[]): Spread {
  // Pairs repetition i of the candidate with repetition i of its baseline: both ran in the same round.
  const ratios = candidate.map((value, i) => value / (baseline[i] ?? Number.NaN));
  return spread(ratios);
}

/** `12,345` style with a fixed number of decimals. */
export function fmt(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** `median (min–max)`; the range is left out for a single measurement. */
export function fmtSpread(s: Spread, decimals = 0, unit = ''): string {
  if (s.n === 0) return '–';
  const main = `${fmt(s.median, decimals)}${unit}`;
  return s.n === 1 ? main : `${main} (${fmt(s.min, decimals)}–${fmt(s.max, decimals)})`;
}

/** A difference: `+12 (8–15)`, or `-3 (-5–2)` when it is negative. */
export function fmtSigned(s: Spread, decimals = 0): string {
  return `${s.median >= 0 ? '+' : ''}${fmtSpread(s, decimals)}`;
}
