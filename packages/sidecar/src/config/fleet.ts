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
 * `shared` are the paths of the checks with `scope: shared`.
 */
export function fleetSettings(
  options: FleetOptions | undefined,
  port: number,
  env: Environment,
  shared: readonly string[],
  findings: Findings,
): FleetFor | undefined {
  if (options === undefined) {
    for (const path of shared) findings.warnings.push(sharedWithoutFleet(path));
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

function sharedWithoutFleet(path: string): ConfigProblem {
  return {
    path,
    message: 'is shared, but there is no fleet: plain semantics (docs/fleet.md)',
  };
}
