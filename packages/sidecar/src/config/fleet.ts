// `fleet:` of a config: validated by core (resolveFleet) when the file is loaded, with the port of the file; the
// sidecar resolves it again with the port it listens on (a `--port` flag, or 0), which DNS peers and the
// default member id use. The environment is read here, as for every other value of the config.
import { hostname } from 'node:os';
import { type FleetOptions, InvalidFleetError } from '@probekit/core';
import { defaultMemberId, type ResolvedFleet, resolveFleet } from '@probekit/core/internal';
import type { ConfigProblem } from '../errors.js';
import type { Findings } from './checks.js';
import type { Environment } from './env.js';

/** The fleet of a config, for the port the sidecar listens on. */
export type FleetFor = (port: number) => ResolvedFleet;

/**
 * Resolves `fleet:` (undefined when absent), recording its problems; warns where it cannot change anything.
 * `entries` are the file's checks as written.
 */
export function fleetSettings(
  options: FleetOptions | undefined,
  port: number,
  env: Environment,
  entries: readonly unknown[],
  findings: Findings,
): FleetFor | undefined {
  const shared = entries.flatMap((entry, index) =>
    (entry as { scope?: unknown } | null)?.scope === 'shared' ? [index] : [],
  );
  if (options === undefined) {
    for (const index of shared) findings.warnings.push(sharedWithoutFleet(index));
    return undefined;
  }
  const resolve: FleetFor = (at) =>
    resolveFleet(options, { member: defaultMemberId(env, hostname(), at), port: at });
  try {
    // Port 0 is picked when the server binds: validate with any port; the sidecar resolves with the bound one.
    resolve(port === 0 ? 1 : port);
  } catch (error) {
    if (!(error instanceof InvalidFleetError)) throw error;
    findings.problems.push({ path: error.path, message: error.problem });
    return undefined;
  }
  if (shared.length === 0) {
    findings.warnings.push({
      path: 'fleet',
      message: 'no check has scope: shared: the fleet changes nothing',
    });
  }
  return resolve;
}

function sharedWithoutFleet(index: number): ConfigProblem {
  return {
    path: `checks[${index}].scope`,
    message: 'is shared, but there is no fleet: plain semantics (docs/fleet.md)',
  };
}
