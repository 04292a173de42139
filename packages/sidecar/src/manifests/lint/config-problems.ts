// What probekit would say of a config lint reads: the sidecar's own reader and loader, so that lint refuses what
// `probekit serve` and `probekit validate` refuse, in the same words.
import { resolveConfig } from '../../config/load.js';
import { parseConfigText } from '../../config/read.js';
import { ConfigError, type ConfigProblem } from '../../errors.js';

/**
 * The problems probekit finds in a config's text (none: valid), positions within that text. The `${VAR}`s are the
 * pod's, not known here (the shell lint runs in is not the pod): a value from a variable without a default is
 * not checked, nor what probekit builds from it; a default is checked, and a malformed reference is a problem.
 */
export function configProblems(text: string): readonly ConfigProblem[] {
  const parsed = parseConfigText(text);
  if ('problems' in parsed) return parsed.problems;
  try {
    resolveConfig('lint', { data: parsed.data, text }, { env: {}, unset: 'unknown' });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/** The 1-based line of a problem within the config's text: its own, or the one a YAML error's path names. */
export function problemLine(problem: ConfigProblem): number | undefined {
  const named = /^line (\d+), column \d+$/.exec(problem.path);
  return problem.line ?? (named ? Number(named[1]) : undefined);
}
