// A config's checks: each entry (a Kubernetes Probe object plus name, probes, critical) and each `--check`
// target built with core's factories and resolved by core, once: the engine takes them as they are.
import {
  type CheckScope,
  type CheckSpec,
  type CheckTiming,
  exec,
  grpc,
  httpGet,
  InvalidCheckError,
  type ProbeKind,
  type Prober,
  parseTarget,
  type ResolvedCheck,
  resolveCheck,
  tcpSocket,
} from '@probekit/core';
import { defaultCheckName } from '@probekit/core/internal';
import type { ConfigProblem } from '../errors.js';
import { targetCredentials } from './credentials.js';
import { SECRET_NAME } from './env.js';
import { unpaste } from './paste.js';
import { formatPath } from './path.js';
import { SHUTDOWN_CHECK } from './schema.js';

export type Timing = { -readonly [K in keyof CheckTiming]: CheckTiming[K] };

/** A check entry of the file, as the schema has checked it. */
export interface CheckEntry extends Timing {
  name: string;
  httpGet?: Record<string, unknown> & { httpHeaders?: { name: string; value: string }[] };
  tcpSocket?: Record<string, unknown>;
  exec?: Record<string, unknown> & { env?: Record<string, string> };
  grpc?: Record<string, unknown>;
  probes?: ProbeKind[];
  critical?: boolean;
  scope?: CheckScope;
}

/** What loading found: problems refuse the config, warnings do not. */
export interface Findings {
  readonly problems: ConfigProblem[];
  readonly warnings: ConfigProblem[];
}

export interface BuildInput {
  /** The file's check list, entries with a problem included: their names still count. */
  readonly entries: readonly unknown[];
  readonly defaults: Timing;
  readonly targets: readonly string[];
  /** `--shared-check` targets: as `--check`, with `scope: shared`. */
  readonly sharedTargets?: readonly string[];
  /** Whether a problem was already found at this path or inside it: such an entry is not built. */
  readonly broken: (path: string) => boolean;
}

/** Resolves every entry and target without a problem; records the problems core finds, and every name taken twice. */
export function buildChecks(input: BuildInput, findings: Findings): ResolvedCheck[] {
  const { problems } = findings;
  const checks: ResolvedCheck[] = [];
  const owner = new Map<string, string>();
  // A name counts even when the rest of its check is broken, so that a duplicate is reported in the same pass.
  const claim = (name: string, path: string, namePath: string): boolean => {
    const message =
      name === SHUTDOWN_CHECK
        ? `"${SHUTDOWN_CHECK}" is reserved for the sidecar's own shutdown check`
        : owner.has(name)
          ? `${JSON.stringify(name)} is already the name of ${owner.get(name)}`
          : undefined;
    if (message === undefined) owner.set(name, path);
    else problems.push({ path: namePath, message });
    return message === undefined;
  };
  const add = (path: string, build: () => CheckSpec): ResolvedCheck | undefined => {
    try {
      return resolveCheck(build(), path);
    } catch (error) {
      if (!(error instanceof InvalidCheckError)) throw error;
      problems.push(fromCoreError(error, path));
      return undefined;
    }
  };
  input.entries.forEach((entry, index) => {
    const path = formatPath(['checks', index]);
    const name = (entry as Partial<CheckEntry> | null)?.name;
    const named =
      typeof name === 'string' && !input.broken(`${path}.name`) && claim(name, path, `${path}.name`);
    const unpasted = input.broken(path)
      ? undefined
      : unpaste(entry as Record<string, unknown>, path, findings);
    const spec = unpasted && add(path, () => checkSpec(unpasted as unknown as CheckEntry, input.defaults));
    if (spec && named) checks.push(spec);
  });
  const inline = (targets: readonly string[], flag: '--check' | '--shared-check', scope: CheckScope) =>
    targets.forEach((target, index) => {
      const path = `${flag}[${index}]`;
      const credentials = targetCredentials(target, path);
      if (credentials) {
        problems.push(credentials);
        return;
      }
      const spec = add(path, () => ({
        ...timing(input.defaults, ['readiness']),
        name: defaultCheckName(target),
        check: parseTarget(target),
        probes: ['readiness'],
        scope,
      }));
      if (spec && claim(spec.name, path, path)) checks.push(spec);
    });
  inline(input.targets, '--check', 'local');
  inline(input.sharedTargets ?? [], '--shared-check', 'shared');
  return checks;
}

function checkSpec(entry: CheckEntry, defaults: Timing): CheckSpec {
  const probes = entry.probes ?? ['readiness'];
  const {
    name,
    httpGet: http,
    tcpSocket: tcp,
    exec: command,
    grpc: rpc,
    probes: _p,
    critical,
    ...own
  } = entry;
  let check: Prober;
  if (http) check = withSecrets(httpGet({ host: '127.0.0.1', ...http } as never), headerSecrets(http));
  else if (tcp) check = tcpSocket({ host: '127.0.0.1', ...tcp } as never);
  else if (command) check = withSecrets(exec(command as never), envSecrets(command.env));
  else check = grpc({ host: '127.0.0.1', ...rpc } as never);
  return {
    ...timing(defaults, probes),
    ...own,
    name,
    check,
    probes,
    ...(critical !== undefined && { critical }),
  };
}

/** The defaults that apply to a check: `successThreshold` only where it may differ from 1 (readiness-only checks). */
function timing(defaults: Timing, probes: readonly ProbeKind[]): Timing {
  if (defaults.successThreshold === undefined || probes.every((probe) => probe === 'readiness'))
    return { ...defaults };
  const { successThreshold: _s, ...rest } = defaults;
  return rest;
}

// Core reports a kind's paths relative to the kind (`httpGet.port`): the config's path goes in front.
function fromCoreError(error: InvalidCheckError, path: string): ConfigProblem {
  const message = error.problem;
  if (error.path === 'target') return { path, message };
  return { path: error.path.startsWith(path) ? error.path : `${path}.${error.path}`, message };
}

function withSecrets(prober: Prober, secrets: readonly string[]): Prober {
  return secrets.length === 0 ? prober : { ...prober, secrets: [...(prober.secrets ?? []), ...secrets] };
}

function headerSecrets(http: NonNullable<CheckEntry['httpGet']>): string[] {
  return (http.httpHeaders ?? [])
    .filter((header) => /cookie|authorization/i.test(header.name) || SECRET_NAME.test(header.name))
    .map((header) => header.value);
}

function envSecrets(env: Record<string, string> = {}): string[] {
  return Object.entries(env)
    .filter(([name]) => SECRET_NAME.test(name))
    .map(([, value]) => value);
}
