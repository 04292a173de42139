// `probekit validate`: config errors only; nothing is run.
import { basename } from 'node:path';
import { formatProblem } from '../errors.js';
import type { Command } from './command.js';
import { CONFIG_HELP, CONFIG_OPTIONS, configFromFlags } from './config-flags.js';

export const validate: Command = {
  name: 'validate',
  help: `Usage: probekit validate --config FILE [--check TARGET]...

Reads and validates the config as serve would, and exits 0 with a one-line summary (warnings, for
what is valid but likely not meant, on stderr), or exits 2 listing every problem with its path
(checks[1].httpGet.port: must be an integer 1-65535).

Options:
${CONFIG_HELP}
  -h, --help               this help

Example:
  probekit validate --config probekit.yaml`,
  options: CONFIG_OPTIONS,
  async run(parsed) {
    const config = await configFromFlags(parsed, 'validate').load();
    const names = config.checks.map((spec) => spec.name);
    const count = names.length === 1 ? '1 check' : `${names.length} checks`;
    for (const warning of config.warnings)
      process.stderr.write(`probekit: warning: ${formatProblem(warning)}\n`);
    // A one-line summary names the file alone; a refusal names the path as given, to find it.
    process.stdout.write(
      `${basename(config.source)}: valid, ${count}${names.length > 0 ? ` (${names.join(', ')})` : ''}\n`,
    );
    return 0;
  },
};
