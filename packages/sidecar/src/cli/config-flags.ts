// `--config FILE`, `--check TARGET` and `--shared-check TARGET`, shared by serve, check and validate.
import { loadConfig, type SidecarConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { listFlag, type OptionSpecs, type Parsed, stringFlag } from './command.js';

export const CONFIG_OPTIONS: OptionSpecs = {
  config: { type: 'string', short: 'c' },
  check: { type: 'string', multiple: true },
  'shared-check': { type: 'string', multiple: true },
};

export const CONFIG_HELP = `  -c, --config FILE        YAML or JSON config file (docs/sidecar.md has the reference)
      --check TARGET       a readiness check given inline, repeatable: tcp://host:port,
                           http(s)://host[:port][/path], grpc://host:port[/service], exec:command args
      --shared-check TARGET
                           the same, on a dependency every replica shares (scope: shared, docs/fleet.md)`;

/** The config the flags describe, with a loader to read it again; throws UsageError if neither flag is given. */
export function configFromFlags(
  parsed: Parsed,
  verb: string,
): { load: () => Promise<SidecarConfig>; file: string | undefined } {
  const file = stringFlag(parsed, 'config');
  const targets = listFlag(parsed, 'check');
  const sharedTargets = listFlag(parsed, 'shared-check');
  if (file === undefined && targets.length === 0 && sharedTargets.length === 0)
    throw new UsageError('give --config FILE or at least one --check TARGET', verb);
  return { file, load: () => loadConfig({ file, targets, sharedTargets }) };
}
