// The sidecar's error registry: every error has a stable `code`; test/errors.test.ts keeps this list and docs/sidecar.md in step.
import { ProbekitError } from '@probekit/core';

/** One problem in a config: where (`checks[1].httpGet.port`) and what (`must be an integer 1-65535`). */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  /** Where it is written in the file, when the path is in it (1-based). */
  readonly line?: number;
  readonly column?: number;
}

/** `checks[1].httpGet.port: must be an integer 1-65535 (line 7, column 5)`. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line === undefined ? '' : ` (line ${problem.line}, column ${problem.column})`;
  return `${problem.path}: ${problem.message}${where}`;
}

/** A config (file, `--check` targets or flags) is invalid; `problems` lists every problem found, not just the first. */
export class ConfigError extends ProbekitError {
  declare readonly code: 'PROBEKIT_CONFIG_INVALID';
  readonly source: string;
  readonly problems: readonly ConfigProblem[];
  constructor(source: string, problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const lines = problems.map((problem) => `  ${formatProblem(problem)}`);
    super('PROBEKIT_CONFIG_INVALID', `${source} is not valid (${count}):\n${lines.join('\n')}`);
    this.source = source;
    this.problems = problems;
  }
}

/** The command line is wrong: an unknown verb or flag, a missing or malformed value. */
export class UsageError extends ProbekitError {
  declare readonly code: 'PROBEKIT_USAGE';
  /** The verb whose `--help` to point at, if any. */
  readonly verb: string | undefined;
  constructor(message: string, verb?: string) {
    super('PROBEKIT_USAGE', message);
    this.verb = verb;
  }
}

/** Every code this package can throw, for docs and exhaustive handling. */
export const SIDECAR_ERROR_CODES = ['PROBEKIT_CONFIG_INVALID', 'PROBEKIT_USAGE'] as const;

/** The process exit code for each outcome of the CLI. */
export const EXIT = Object.freeze({
  ok: 0, // passed / served and shut down cleanly
  failed: 1, // a probe, wait or check did not pass
  usage: 2, // a usage or config error
});
