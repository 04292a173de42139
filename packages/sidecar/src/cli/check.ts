// `probekit check`: run every check once, at the same time, and print a table; exit 0 iff every critical check passed.
import { formatDuration } from '../duration.js';
import { runChecksOnce } from '../once.js';
import { renderTable } from '../table.js';
import type { Command } from './command.js';
import { CONFIG_HELP, CONFIG_OPTIONS, configFromFlags } from './config-flags.js';

export const check: Command = {
  name: 'check',
  help: `Usage: probekit check [--config FILE] [--check TARGET]...

Runs every check of the config once, all at the same time, each under its timeoutSeconds, and
prints NAME KIND TARGET RESULT TIME REASON. RESULT is pass, fail, timeout, error (the check could
not be run) or warn (a non-critical check that did not pass). Exits 0 if every critical check
passed, else 1.

Options:
${CONFIG_HELP}
  -h, --help               this help

Example:
  probekit check --config probekit.yaml`,
  options: CONFIG_OPTIONS,
  async run(parsed) {
    const runs = await runChecksOnce(await configFromFlags(parsed, 'check').load());
    const rows = runs.map(({ check, target, result, word }) => [
      check.name,
      check.prober.kind,
      target,
      word,
      formatDuration(result.durationMs),
      result.reason ?? '',
    ]);
    process.stdout.write(`${renderTable(['NAME', 'KIND', 'TARGET', 'RESULT', 'TIME', 'REASON'], rows)}\n`);
    return runs.every(({ check, result }) => !check.critical || result.ok) ? 0 : 1;
  },
};
