// Durations on the command line: `500ms`, `1s`, `1.5s`, `2m`; a bare number is seconds, as in a Probe's *Seconds fields.
import { UsageError } from './errors.js';

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration into milliseconds; `flag` names the option in the error. */
export function parseDuration(text: string, flag: string, verb?: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (!match)
    throw new UsageError(
      `${flag} must be a duration like 500ms, 1s or 2m, got ${JSON.stringify(text)}`,
      verb,
    );
  return Number(match[1]) * (UNITS_MS[match[2] ?? 's'] ?? 1000);
}

/** `12ms`, `1.25s`: how long something took, for humans. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}
