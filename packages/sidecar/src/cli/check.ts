// `probekit check`: run every check once, at the same time, and print a table; exit 0 iff every critical check passed.
import { redact, resolveChecks } from '@probekit/core';
import { formatDuration } from '../duration.js';
import { runOnce } from '../once.js';
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
    const config = await configFromFlags(parsed, 'check').load();
    const checks = resolveChecks(config.checks);
    const results = await Promise.all(
      checks.map((c) => runOnce(c.prober, c.timeoutSeconds * 1000, config.secrets)),
    );
    const rows = checks.map((c, index) => {
      const result = results[index]!;
      const word = result.ok
        ? 'pass'
        : !c.critical
          ? 'warn'
          : result.result === 'unknown'
            ? 'error'
            : result.result === 'timeout'
              ? 'timeout'
              : 'fail';
      return [
        c.name,
        c.prober.kind,
        // A target can hold a secret too: a token in a query, a password in a command line.
        redact(c.prober.target, [...config.secrets, ...(c.prober.secrets ?? [])]),
        word,
        formatDuration(result.durationMs),
        result.reason ?? '',
      ];
    });
    process.stdout.write(`${renderTable(['NAME', 'KIND', 'TARGET', 'RESULT', 'TIME', 'REASON'], rows)}\n`);
    return checks.every((c, index) => !c.critical || results[index]?.ok) ? 0 : 1;
  },
};
