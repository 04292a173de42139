// A probekit config that probekit itself would refuse: every other rule reads configs, and would pass on one
// that never loads.
import { type ConfigProblem, formatProblem } from '../../errors.js';
import { problemLine } from './config-problems.js';
import type { Rule } from './findings.js';

/** Problems quoted in the message; the count says how many more (`probekit validate` lists them all). */
const SHOWN = 3;

export const configInvalid: Rule = {
  id: 'config-invalid',
  severity: 'error',
  summary: 'a probekit config does not parse or is not valid: probekit refuses it',
  check(model) {
    return model.invalidConfigs.map((config) => {
      const [first] = config.problems;
      return {
        file: config.file,
        line: config.lineAt(first && problemLine(first)),
        object: config.object,
        path: config.path,
        message: `probekit refuses this config (${count(config.problems)}${config.embedded === undefined ? '' : `, lines within ${config.embedded}`}): ${quoted(config.problems)}`,
      };
    });
  },
};

function count(problems: readonly ConfigProblem[]): string {
  return problems.length === 1 ? '1 problem' : `${problems.length} problems`;
}

// The loader's words, one line: `checks[0].tcpSocket.port: must be … (line 5, column 18); …; and 2 more`.
function quoted(problems: readonly ConfigProblem[]): string {
  const shown = problems.slice(0, SHOWN).map((problem) => formatProblem(problem).replace(/\s*\n\s*/g, ' '));
  const rest = problems.length - shown.length;
  return [...shown, ...(rest > 0 ? [`and ${rest} more`] : [])].join('; ');
}
