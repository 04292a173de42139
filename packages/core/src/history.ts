// A check's past: its last results, newest first, in a ring of HISTORY_LENGTH (the contract's 64).
import type { HistoryEntry, RunResult } from './types.js';
import { HISTORY_LENGTH } from './types.js';

/**
 * The history after one more result: newest first, at most HISTORY_LENGTH, a new frozen array (snapshots taken
 * before keep theirs). A reason repeated run after run is kept as one string, so a failing check's history
 * holds one copy of its reason, not 64.
 */
export function remember(
  history: readonly HistoryEntry[],
  at: number,
  run: { readonly result: RunResult; readonly durationMs: number },
  reason: string | undefined,
): readonly HistoryEntry[] {
  const last = history[0]?.reason;
  const entry: HistoryEntry = Object.freeze({
    at,
    durationMs: run.durationMs,
    outcome: run.result,
    ...(reason !== undefined && { reason: reason === last ? last : reason }),
  });
  const next = [entry];
  for (let index = 0; index < history.length && index < HISTORY_LENGTH - 1; index++)
    next.push(history[index]!);
  return Object.freeze(next);
}
