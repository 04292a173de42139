// Loading a config: read, substitute variables, validate against the schema, then build the checks with core's own validation.
import type { FleetOptions, ResolvedCheck } from '@probekit/core';
import { redact } from '@probekit/core/internal';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { buildChecks, type CheckEntry, type Timing } from './checks.js';
import { credentialProblems } from './credentials.js';
import { blameReference, type Environment, type Origin, secretValues, substitute } from './env.js';
import { type FleetFor, fleetSettings } from './fleet.js';
import { type Locate, locator } from './locate.js';
import { parsePath } from './path.js';
import { readConfigFile } from './read.js';
import { SERVER_DEFAULTS } from './schema.js';
import { isStringAt, nounAt, schemaProblems } from './validate.js';

/** The probe server's settings, resolved. */
export interface ServerSettings {
  /** @default 8099 */
  readonly port: number;
  /** @default '0.0.0.0' */
  readonly host: string;
  /** @default 5 */
  readonly shutdownDelaySeconds: number;
  /** `true`/`false`, or details only for `Authorization: Bearer <token>`. @default true */
  readonly details: boolean | { readonly token: string };
}

/** A loaded, valid config. */
export interface SidecarConfig {
  /** Where it came from, for messages: the file's path as given, or `--check`. */
  readonly source: string;
  readonly server: ServerSettings;
  /** Resolved by core, defaults applied: the engine runs them without validating them again. */
  readonly checks: readonly ResolvedCheck[];
  /** Values to blank from every reason: secret-looking variables of the environment, the details token. */
  readonly secrets: readonly string[];
  /** The file's text, to tell a real change from a touch on reload. */
  readonly text: string | undefined;
  /** What is valid but likely not meant (no checks at all, a kubelet-only field): `validate` prints them, `serve` logs them. */
  readonly warnings: readonly ConfigProblem[];
  /** `fleet:`, resolved for the port the sidecar listens on; undefined without one (docs/fleet.md). */
  readonly fleet: FleetFor | undefined;
}

export interface LoadOptions {
  /** A YAML or JSON config file. */
  readonly file?: string | undefined;
  /** `--check` targets (`tcp://h:p`, `http(s)://…`, `grpc://h:p/svc`, `exec:cmd args`), added after the file's checks. */
  readonly targets?: readonly string[] | undefined;
  /** `--shared-check` targets: as `targets`, with `scope: shared` (docs/fleet.md). */
  readonly sharedTargets?: readonly string[] | undefined;
  /** Where `${VAR}` comes from. @default process.env */
  readonly env?: Environment | undefined;
  /**
   * What a reference to an unset variable without a default is: a problem, or (lint, where the variables are the
   * pod's) unknown: then the value it stands for, and what is built from it (its check, `server`, `fleet`), is
   * not checked. @default 'problem'
   */
  readonly unset?: 'problem' | 'unknown' | undefined;
}

export { SERVER_DEFAULTS } from './schema.js';

interface FileConfig {
  server?: {
    port?: number;
    host?: string;
    shutdownDelaySeconds?: number;
    details?: boolean;
    detailsToken?: string;
  };
  defaults?: Timing;
  fleet?: FleetOptions;
  checks?: CheckEntry[];
}

/** A config file's text, and its data as parsed (parseConfigText). */
export interface ConfigText {
  readonly data: unknown;
  readonly text: string;
}

/** Loads and validates a config; throws ConfigError listing every problem, each with its path. */
export async function loadConfig(options: LoadOptions): Promise<SidecarConfig> {
  // The path as given: a wrong path is only found by seeing which one was tried.
  const source = options.file ?? '--check';
  let read: ConfigText | undefined;
  if (options.file !== undefined) {
    const result = await readConfigFile(options.file);
    if ('problems' in result) throw new ConfigError(source, result.problems);
    read = result;
  }
  return resolveConfig(source, read, options);
}

/**
 * Validates and resolves a config file's parsed data and text (none: `--check` targets alone), as loadConfig
 * does once it has read the file; throws ConfigError listing every problem. `options.file` is not read.
 */
export function resolveConfig(
  source: string,
  read: ConfigText | undefined,
  options: LoadOptions,
): SidecarConfig {
  const env = options.env ?? process.env;
  let fileConfig: FileConfig = {};
  const text = read?.text;
  const problems: ConfigProblem[] = [];
  let broken = (_path: string) => false;
  let origins = new Map<string, Origin>();
  if (read !== undefined) {
    const substituted = substitute(read.data ?? {}, env, { isString: isStringAt, unset: options.unset });
    origins = substituted.origins;
    const failedPaths = new Set([
      ...substituted.problems.map((problem) => problem.path),
      ...substituted.unknown,
    ]);
    // A reference left unsubstituted also breaks the schema at its path: report the cause only.
    const { checks: entries } = (substituted.data ?? {}) as FileConfig;
    problems.push(
      ...substituted.problems,
      ...schemaProblems(substituted.data).filter((problem) => !failedPaths.has(problem.path)),
      ...credentialProblems(Array.isArray(entries) ? entries : []),
    );
    broken = brokenIn([...problems.map((problem) => problem.path), ...substituted.unknown]);
    fileConfig = usableParts(substituted.data as FileConfig, broken);
  }
  const server = serverSettings(fileConfig.server, problems);
  const warnings: ConfigProblem[] = [];
  const checks = buildChecks(
    {
      entries: fileConfig.checks ?? [],
      defaults: fileConfig.defaults ?? {},
      targets: options.targets ?? [],
      sharedTargets: options.sharedTargets ?? [],
      broken,
    },
    { problems, warnings },
  );
  const fleet = broken('fleet')
    ? undefined
    : fleetSettings(fileConfig.fleet, server.port, env, sharedPaths(fileConfig.checks ?? [], options), {
        problems,
        warnings,
      });
  if (checks.length === 0 && problems.length === 0) {
    // A probe kind with no checks passes (the kubelet's rule), so this sidecar would vouch for anything.
    warnings.push({
      path: 'checks',
      message: 'is empty: every probe (/livez, /readyz, /startupz) will pass, whatever the state of the app',
    });
  }
  const secrets = [
    ...secretValues(env),
    ...(typeof server.details === 'object' ? [server.details.token] : []),
  ];
  const locate = text === undefined ? () => undefined : locator(text);
  if (problems.length > 0) throw new ConfigError(source, shown(problems, { origins, secrets, locate }));
  return {
    source,
    server,
    checks,
    secrets,
    text,
    warnings: shown(warnings, { origins, secrets, locate }),
    fleet,
  };
}

/**
 * Problems as shown: a substituted value blamed on its reference, secrets blanked, placed by line and column,
 * one of each, sorted by path.
 */
function shown(
  problems: readonly ConfigProblem[],
  context: { origins: ReadonlyMap<string, Origin>; secrets: readonly string[]; locate: Locate },
): ConfigProblem[] {
  const unique = new Map<string, ConfigProblem>();
  for (const problem of problems) {
    const path = problem.path.startsWith('--check') ? undefined : parsePath(problem.path);
    const origin = context.origins.get(problem.path);
    const blamed = origin && path ? blameReference(problem, origin, nounAt(path)) : problem;
    // Core's messages quote the offending value, which may have come from a secret variable.
    const message = redact(blamed.message, context.secrets);
    const where = path && context.locate(path);
    unique.set(`${problem.path}\n${message}`, { path: problem.path, message, ...where });
  }
  return [...unique.values()].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}

/** Where the checks with `scope: shared` are: the file's (as written) and the `--shared-check` targets. */
function sharedPaths(entries: readonly unknown[], options: LoadOptions): string[] {
  return [
    ...entries.flatMap((entry, index) =>
      (entry as { scope?: unknown } | null)?.scope === 'shared' ? [`checks[${index}].scope`] : [],
    ),
    ...(options.sharedTargets ?? []).map((_, index) => `--shared-check[${index}]`),
  ];
}

/** Whether one of `paths` (of problems, of unknown values) lies at a path or inside it. */
function brokenIn(paths: readonly string[]): (path: string) => boolean {
  return (path) =>
    paths.some((at) => at === path || (at.startsWith(path) && /^[.[]/.test(at.slice(path.length))));
}

/**
 * The parts of the file without a schema problem: they are still built, so that core's own checks (duplicate
 * names, successThreshold on liveness) run on them and every problem is reported at once.
 */
function usableParts(data: FileConfig, broken: (path: string) => boolean): FileConfig {
  if (broken('(file)')) return {};
  const { server, defaults, fleet, checks } = data;
  const mapping = typeof defaults === 'object' && defaults !== null && !Array.isArray(defaults);
  return {
    ...(!broken('server') && { server }),
    ...(!broken('fleet') && fleet !== undefined && { fleet }),
    ...(mapping && {
      defaults: Object.fromEntries(
        Object.entries(defaults).filter(([key]) => !broken(`defaults.${key}`)),
      ) as Timing,
    }),
    ...(Array.isArray(checks) && { checks }),
  };
}

function serverSettings(server: FileConfig['server'] = {}, problems: ConfigProblem[]): ServerSettings {
  if (server.detailsToken !== undefined && server.details === false) {
    problems.push({ path: 'server.detailsToken', message: 'cannot be combined with details: false' });
  }
  return {
    port: server.port ?? SERVER_DEFAULTS.port,
    host: server.host ?? SERVER_DEFAULTS.host,
    shutdownDelaySeconds: server.shutdownDelaySeconds ?? SERVER_DEFAULTS.shutdownDelaySeconds,
    details:
      server.detailsToken !== undefined
        ? { token: server.detailsToken }
        : (server.details ?? SERVER_DEFAULTS.details),
  };
}
