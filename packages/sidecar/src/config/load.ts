// Loading a config: read, substitute variables, validate against the schema, then build the checks with core's own validation.
import {
  type CheckSpec,
  type CheckTiming,
  defaultCheckName,
  exec,
  grpc,
  httpGet,
  InvalidCheckError,
  type ProbeKind,
  type Prober,
  parseTarget,
  redact,
  resolveCheck,
  tcpSocket,
} from '@probekit/core';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { type Environment, SECRET_NAME, secretValues, substitute } from './env.js';
import { formatPath } from './path.js';
import { readConfigFile } from './read.js';
import { SHUTDOWN_CHECK } from './schema.js';
import { isStringAt, schemaProblems } from './validate.js';

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
  readonly checks: readonly CheckSpec[];
  /** Values to blank from every reason: secret-looking variables of the environment, the details token. */
  readonly secrets: readonly string[];
  /** The file's text, to tell a real change from a touch on reload. */
  readonly text: string | undefined;
}

export interface LoadOptions {
  /** A YAML or JSON config file. */
  readonly file?: string | undefined;
  /** `--check` targets (`tcp://h:p`, `http(s)://…`, `grpc://h:p/svc`, `exec:cmd args`), added after the file's checks. */
  readonly targets?: readonly string[] | undefined;
  /** Where `${VAR}` comes from. @default process.env */
  readonly env?: Environment | undefined;
}

export const SERVER_DEFAULTS: ServerSettings = Object.freeze({
  port: 8099, // the sidecar's well-known port
  host: '0.0.0.0', // the kubelet probes the pod IP, not loopback
  shutdownDelaySeconds: 5, // seconds of 503 before the server closes
  details: true,
});

type Timing = { -readonly [K in keyof CheckTiming]: CheckTiming[K] };
interface CheckEntry extends Timing {
  name: string;
  httpGet?: Record<string, unknown> & { httpHeaders?: { name: string; value: string }[] };
  tcpSocket?: Record<string, unknown>;
  exec?: Record<string, unknown> & { env?: Record<string, string> };
  grpc?: Record<string, unknown>;
  probes?: ProbeKind[];
  critical?: boolean;
}
interface FileConfig {
  server?: {
    port?: number;
    host?: string;
    shutdownDelaySeconds?: number;
    details?: boolean;
    detailsToken?: string;
  };
  defaults?: Timing;
  checks?: CheckEntry[];
}

/** Loads and validates a config; throws ConfigError listing every problem, each with its path. */
export async function loadConfig(options: LoadOptions): Promise<SidecarConfig> {
  const env = options.env ?? process.env;
  // The path as given: a wrong path is only found by seeing which one was tried.
  const source = options.file ?? '--check';
  let fileConfig: FileConfig = {};
  let text: string | undefined;
  const problems: ConfigProblem[] = [];
  let skip = (_path: string) => false;
  if (options.file !== undefined) {
    const read = await readConfigFile(options.file);
    if ('problems' in read) throw new ConfigError(source, read.problems);
    text = read.text;
    const substituted = substitute(read.data ?? {}, env, { isString: isStringAt });
    const failedPaths = new Set(substituted.problems.map((problem) => problem.path));
    // A reference left unsubstituted also breaks the schema at its path: report the cause only.
    problems.push(
      ...substituted.problems,
      ...schemaProblems(substituted.data).filter((problem) => !failedPaths.has(problem.path)),
    );
    const data = substituted.data;
    // Parts with schema problems are left out, so that core's own checks (duplicate names, successThreshold
    // on liveness) still run on the rest and every problem is reported at once.
    const broken = [...problems];
    skip = (path) => isBroken(broken, path);
    if (problems.length === 0) fileConfig = data as FileConfig;
    else if (!skip('(file)') && !skip('defaults')) {
      const { server, defaults, checks } = data as FileConfig;
      fileConfig = {
        ...(!skip('server') && { server }),
        ...(defaults && { defaults }),
        ...(Array.isArray(checks) && { checks }),
      };
    }
  }
  const server = serverSettings(fileConfig.server, problems);
  const checks = buildChecks(fileConfig, options.targets ?? [], problems, skip);
  const secrets = [
    ...secretValues(env),
    ...(typeof server.details === 'object' ? [server.details.token] : []),
  ];
  if (problems.length > 0) {
    // Core's messages quote the offending value, which may have come from a secret variable.
    const shown = problems.map((problem) => ({
      path: problem.path,
      message: redact(problem.message, secrets),
    }));
    throw new ConfigError(
      source,
      shown.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true })),
    );
  }
  return { source, server, checks, secrets, text };
}

/** Whether a problem lies at `path` or inside it: such a part is not built, its problem is already reported. */
function isBroken(problems: readonly ConfigProblem[], path: string): boolean {
  return problems.some(
    (problem) =>
      problem.path === path ||
      (problem.path.startsWith(path) && /^[.[]/.test(problem.path.slice(path.length))),
  );
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

function buildChecks(
  config: FileConfig,
  targets: readonly string[],
  problems: ConfigProblem[],
  skip: (path: string) => boolean,
): CheckSpec[] {
  const specs: CheckSpec[] = [];
  const owner = new Map<string, string>();
  const add = (path: string, build: () => CheckSpec) => {
    let spec: CheckSpec;
    try {
      spec = build();
      resolveCheck(spec, path);
    } catch (error) {
      if (!(error instanceof InvalidCheckError)) throw error;
      problems.push(fromCoreError(error, path));
      return;
    }
    const namePath = path.startsWith('--check') ? path : `${path}.name`;
    if (spec.name === SHUTDOWN_CHECK) {
      problems.push({
        path: namePath,
        message: `"${SHUTDOWN_CHECK}" is reserved for the sidecar's own shutdown check`,
      });
    } else if (owner.has(spec.name)) {
      problems.push({
        path: namePath,
        message: `${JSON.stringify(spec.name)} is already the name of ${owner.get(spec.name)}`,
      });
    } else {
      owner.set(spec.name, path);
      specs.push(spec);
    }
  };
  const defaults = config.defaults ?? {};
  (config.checks ?? []).forEach((entry, index) => {
    const path = formatPath(['checks', index]);
    if (!skip(path)) add(path, () => checkSpec(entry, defaults));
  });
  targets.forEach((target, index) => {
    const path = `--check[${index}]`;
    add(path, () => ({
      ...timing(defaults, ['readiness']),
      name: defaultCheckName(target),
      check: parseTarget(target),
      probes: ['readiness'],
    }));
  });
  return specs;
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
