// The rule on results: each check that did not pass when run once just now, with its reason.
import type { CheckRun } from '../once.js';
import type { Finding } from './findings.js';

/** `check-failing` for every run that did not pass, in config order. */
export function failingFindings(runs: readonly CheckRun[]): Finding[] {
  return runs
    .filter((run) => run.word !== 'pass')
    .map(({ check, target, result, word }) => ({
      id: 'check-failing' as const,
      message:
        `check ${check.name} (${check.prober.kind} ${target}): ` +
        `${word === 'error' ? 'could not be run: ' : ''}${result.reason ?? result.result}` +
        `${word === 'warn' ? ' (not critical: its probes answer warn, still 200)' : ''}`,
    }));
}
