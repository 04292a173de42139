// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} references are part of what is generated
// Config fuzzing, shared by the fast test and `npm run fuzz`: valid configs generated whole, then mutated —
// wrong types, out-of-range numbers, unknown keys, huge values, deep nesting, alias bombs, duplicate names and
// keys, unicode, tags, variable references. The loader must accept a config only if the engine takes all of it,
// and refuse everything else with problems that name where they are: never throw anything else, never hang.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '@probekit/core';
import { ConfigError, loadConfig } from '@probekit/sidecar';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { startServe } from '../../sidecar/helpers.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Segment = string | number;

const name = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,20}[a-z0-9])?$/);
const port = fc.integer({ min: 1, max: 65535 });
const seconds = fc.oneof(fc.integer({ min: 1, max: 600 }), fc.double({ min: 0.05, max: 600, noNaN: true }));
const timing = fc.record(
  {
    initialDelaySeconds: fc.oneof(fc.constant(0), seconds),
    periodSeconds: seconds,
    timeoutSeconds: seconds,
    failureThreshold: fc.integer({ min: 1, max: 10 }),
  },
  { requiredKeys: [] },
);
// Printable ASCII without `$`, which would start a variable reference.
const free = (maxLength: number) =>
  fc.string({
    unit: fc.constantFrom(
      ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).filter((c) => c !== '$'),
    ),
    maxLength,
  });
const handler = fc.oneof(
  fc.record({
    httpGet: fc.record(
      {
        port,
        host: fc.constantFrom('127.0.0.1', 'localhost', 'db.default.svc', '::1'),
        path: fc.constantFrom('/', '/healthz', '/ready?x=1'),
        scheme: fc.constantFrom('HTTP', 'HTTPS', 'http'),
        httpHeaders: fc.array(
          fc.record({ name: fc.constantFrom('X-Probe', 'Accept', 'Authorization'), value: free(20) }),
          { maxLength: 3 },
        ),
        verifyTls: fc.boolean(),
      },
      { requiredKeys: ['port'] },
    ),
  }),
  fc.record({
    tcpSocket: fc.record({ port, host: fc.constantFrom('127.0.0.1', 'db') }, { requiredKeys: ['port'] }),
  }),
  fc.record({
    exec: fc.record(
      {
        command: fc.array(free(10), { maxLength: 4 }).map((argv) => ['true', ...argv]),
        env: fc.dictionary(fc.stringMatching(/^[A-Z_]{1,8}$/), free(10), { maxKeys: 3 }),
        cwd: fc.constantFrom('/', '/tmp'),
      },
      { requiredKeys: ['command'] },
    ),
  }),
  fc.record({
    grpc: fc.record(
      { port, service: fc.constantFrom('', 'db', 'grpc.health.v1.Health') },
      { requiredKeys: ['port'] },
    ),
  }),
);

/** A valid config: every generated file must load. */
const validConfig: fc.Arbitrary<Json> = fc
  .record(
    {
      server: fc.record(
        {
          port: fc.integer({ min: 0, max: 65535 }),
          host: fc.constantFrom('0.0.0.0', '127.0.0.1', '::'),
          shutdownDelaySeconds: fc.integer({ min: 0, max: 30 }),
          details: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      defaults: timing,
      checks: fc.uniqueArray(
        fc.tuple(
          name,
          handler,
          timing,
          fc.subarray(['readiness', 'liveness', 'startup']),
          fc.option(fc.boolean()),
        ),
        { maxLength: 6, selector: ([checkName]) => checkName },
      ),
    },
    { requiredKeys: ['checks'] },
  )
  .map((config) => ({
    ...config,
    checks: config.checks.map(([checkName, action, own, probes, critical]) => ({
      name: checkName,
      ...action,
      ...own,
      ...(probes.length > 0 && { probes }),
      ...(critical !== null && { critical }),
    })),
  })) as fc.Arbitrary<Json>;

/** A config file's text and, when the mutation makes it surely invalid, where the problem must be reported. */
export interface ConfigCase {
  readonly what: string;
  readonly text: string;
  /** A path the loader must name (or a path above or below it); `undefined`: valid or not, the loader decides. */
  readonly expect?: string;
  /** The file must be refused, whatever the path. */
  readonly invalid?: boolean;
  /** The file must load. */
  readonly valid?: boolean;
}

function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const segment of segments)
    out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  return out || '(file)';
}

/** Every path in `data` with the value there. */
function paths(data: Json, prefix: Segment[] = []): [Segment[], Json][] {
  const here: [Segment[], Json][] = prefix.length > 0 ? [[prefix, data]] : [];
  if (Array.isArray(data)) return [...here, ...data.flatMap((item, i) => paths(item, [...prefix, i]))];
  if (typeof data === 'object' && data !== null)
    return [...here, ...Object.entries(data).flatMap(([key, value]) => paths(value, [...prefix, key]))];
  return here;
}

function setAt(data: Json, at: readonly Segment[], value: Json): Json {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  if (Array.isArray(data)) return data.map((item, i) => (i === head ? setAt(item, rest, value) : item));
  const object = data as { [key: string]: Json };
  return { ...object, [head as string]: setAt(object[head as string] ?? null, rest, value) };
}

const typeOf = (value: Json) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const wrongValues: Json[] = [null, true, 0, -1, 1.5, 1e308, '', 'text', '8080', [], [1, 'x'], {}, { a: 1 }];

// A value of another type where any type change is an error (a free-form string or mapping may take others).
function wrongType(config: Json, pick: number, replacement: number): ConfigCase | undefined {
  const candidates = paths(config).filter(([at]) => {
    const last = at.at(-1);
    // env values and header values are free text; a check list index takes any mapping
    return !(typeof last === 'string' && (at.includes('env') || last === 'value'));
  });
  if (candidates.length === 0) return undefined;
  const [at, old] = candidates[pick % candidates.length]!;
  const options = wrongValues.filter((value) => typeOf(value) !== typeOf(old));
  const value = options[replacement % options.length]!;
  // The command array's items are strings, a number among them is wrong; but [] is also a wrong command only as a whole.
  return {
    what: `type at ${formatPath(at)}`,
    text: stringify(setAt(config, at, value)),
    expect: formatPath(at),
    invalid: true,
  };
}

const RANGES: Record<string, Json[]> = {
  port: [0, -1, 65536, 1.5, 1e9],
  periodSeconds: [0, -1, 86_401, 1e308],
  timeoutSeconds: [0, -0.5, 1e9],
  initialDelaySeconds: [-1, 86_401],
  failureThreshold: [0, 1.5, 1_000_001],
  successThreshold: [0, 2.5],
  shutdownDelaySeconds: [-1, 3601],
};

function outOfRange(config: Json, pick: number, replacement: number): ConfigCase | undefined {
  const candidates = paths(config).filter(([at]) => {
    const last = at.at(-1);
    // server.port takes 0; a check's port does not
    return typeof last === 'string' && last in RANGES && !(last === 'port' && at[0] === 'server');
  });
  if (candidates.length === 0) return undefined;
  const [at] = candidates[pick % candidates.length]!;
  const values = RANGES[at.at(-1) as string]!;
  const value = values[replacement % values.length]!;
  return {
    what: `range at ${formatPath(at)}`,
    text: stringify(setAt(config, at, value)),
    expect: formatPath(at),
    invalid: true,
  };
}

function unknownKey(config: Json, pick: number, key: string): ConfigCase | undefined {
  const mappings = [
    [] as Segment[],
    ...paths(config)
      .filter(([, value]) => typeOf(value) === 'object')
      .map(([at]) => at),
  ]
    // env is a free mapping of variable names
    .filter((at) => at.at(-1) !== 'env');
  const at = mappings[pick % mappings.length]!;
  const object = (
    at.length === 0 ? config : paths(config).find(([p]) => formatPath(p) === formatPath(at))![1]
  ) as Record<string, Json>;
  if (key in object || key === '$schema') return undefined;
  return {
    what: `unknown key ${formatPath([...at, key])}`,
    text: stringify(setAt(config, [...at, key], 1)),
    expect: formatPath([...at, key]),
    invalid: true,
  };
}

function duplicateName(config: Json): ConfigCase | undefined {
  const checks = (config as { checks: { name: string }[] }).checks;
  if (checks.length < 2) return undefined;
  const copy = checks.map((check, i) =>
    i === checks.length - 1 ? { ...check, name: checks[0]!.name } : check,
  );
  return {
    what: 'duplicate name',
    text: stringify({ ...(config as object), checks: copy }),
    expect: `checks[${checks.length - 1}].name`,
    invalid: true,
  };
}

/** Text-level cases: what a generator of objects cannot express. */
const TEXT_CASES: readonly ((config: Json, n: number) => ConfigCase)[] = [
  (config, n) => {
    const depth = [5, 60, 200, 5_000, 100_000][n % 5]!;
    return {
      what: `nesting ${depth}`,
      text: `${stringify(config)}extra: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
      invalid: true,
    };
  },
  (_, n) => {
    const depth = [50, 500, 3000][n % 3]!;
    return {
      what: `block nesting ${depth}`,
      text: `checks:\n${Array.from({ length: depth }, (__, i) => `${'  '.repeat(i)}- `).join('\n')}x\n`,
      invalid: true,
    };
  },
  (_, n) => {
    const width = 3 + (n % 8);
    const levels = [`a: &a [${Array(width).fill('x').join(', ')}]`];
    for (let i = 1; i < 8; i++)
      levels.push(
        `l${i}: &l${i} [${Array(width)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
      );
    return { what: 'alias bomb', text: `${levels.join('\n')}\nchecks: []\n`, invalid: true };
  },
  (config) => ({ what: 'duplicate key', text: `checks: []\n${stringify(config)}`, invalid: true }),
  (config, n) => ({
    what: 'tag',
    text: `${stringify(config)}x: ${['!!js/function "return 1"', '!!binary aGVsbG8=', '!!set {a}', '!custom 1', '!!timestamp 2001-01-01'][n % 5]}\n`,
    invalid: true,
  }),
  (config) => ({
    what: 'two documents',
    text: `${stringify(config)}---\n${stringify(config)}`,
    invalid: true,
  }),
  (_, n) => ({
    what: 'unicode name',
    text: `checks:\n  - name: ${['"dé"', '"db\u202e"', '"😀"', '"ａ"', '"db\\u0000"'][n % 5]}\n    tcpSocket: { port: 1 }\n`,
    expect: 'checks[0].name',
    invalid: true,
  }),
  (_, n) => ({
    what: 'NUL in an argument',
    text: `checks:\n  - name: a\n    exec: { command: ["true", "a\\u0000b"] }\n${n % 2 ? '' : '    periodSeconds: 1\n'}`,
    expect: 'checks[0].exec.command[1]',
    invalid: true,
  }),
  (_, n) => ({
    what: 'unset variable',
    text: `checks:\n  - name: a\n    tcpSocket: { port: "\${PROBEKIT_FUZZ_UNSET_${n}}" }\n`,
    expect: 'checks[0].tcpSocket.port',
    invalid: true,
  }),
  () => ({
    what: 'variable set',
    text: 'checks:\n  - name: a\n    tcpSocket: { port: "${PROBEKIT_FUZZ_PORT}" }\n',
  }),
  () => ({
    what: 'broken reference',
    text: 'checks:\n  - name: a\n    exec: { command: ["echo", "${oops"] }\n',
    expect: 'checks[0].exec.command[1]',
    invalid: true,
  }),
  (_, n) => ({
    what: 'huge string',
    text: `checks:\n  - name: a\n    httpGet: { port: 1, path: "/${'x'.repeat([1000, 200_000, 1_100_000][n % 3]!)}" }\n`,
  }),
  (_, n) => ({
    what: 'many checks',
    text: `checks:\n${Array.from({ length: [100, 2000][n % 2]! }, (__, i) => `  - { name: c${i}, tcpSocket: { port: ${1 + (i % 65535)} } }`).join('\n')}\n`,
  }),
  (_, n) => ({
    what: 'long argv',
    text: `checks:\n  - name: a\n    exec: { command: [${Array(5000 + (n % 100))
      .fill('"x"')
      .join(', ')}] }\n`,
  }),
  (_, n) => ({
    what: 'binary',
    text: Buffer.from(Array.from({ length: 64 }, (__, i) => (i * 37 + n) % 256)).toString('latin1'),
    invalid: true,
  }),
  () => ({ what: 'empty', text: '' }),
  () => ({ what: 'not a mapping', text: '- a\n- b\n', expect: '(file)', invalid: true }),
  () => ({
    what: 'merge key',
    text: 'base: &b { periodSeconds: 1 }\nchecks:\n  - <<: *b\n    name: a\n    tcpSocket: { port: 1 }\n',
    invalid: true,
  }),
];

/** A valid config, then one mutation of it. */
export const configCase: fc.Arbitrary<ConfigCase> = fc
  .tuple(
    validConfig,
    fc.nat({ max: 11 }),
    fc.nat(),
    fc.nat(),
    fc.constantFrom('extra', 'periodSecond', 'Name', 'x-y', 'ports'),
  )
  .map(([config, kind, a, b, key]) => {
    const mutated =
      kind === 0
        ? { what: 'valid', text: stringify(config), valid: true }
        : kind === 1
          ? { what: 'valid as JSON', text: JSON.stringify(config), valid: true }
          : kind <= 3
            ? wrongType(config, a, b)
            : kind <= 5
              ? outOfRange(config, a, b)
              : kind === 6
                ? unknownKey(config, a, key)
                : kind === 7
                  ? duplicateName(config)
                  : TEXT_CASES[a % TEXT_CASES.length]!(config, b);
    return mutated ?? { what: 'valid', text: stringify(config) };
  });

/** `(file)`, `line 3, column 7`, or a path in the data: `checks[1].httpGet.port`, `["odd key"]`. */
const PATH =
  /^(\(file\)|line \d+, column \d+|([A-Za-z_$][\w$-]*|\["(?:[^"\\]|\\.)*"\])(\[\d+\]|\.[A-Za-z_$][\w$-]*|\["(?:[^"\\]|\\.)*"\])*)$/s;

/** Whether `found` reports the problem at `expected`: the same path, or one above or below it. */
function near(found: string, expected: string): boolean {
  return (
    found === expected ||
    expected.startsWith(`${found}.`) ||
    expected.startsWith(`${found}[`) ||
    found.startsWith(`${expected}.`) ||
    found.startsWith(`${expected}[`)
  );
}

/** Environment the loader sees in these cases. */
export const FUZZ_ENV = { PROBEKIT_FUZZ_PORT: '8080' };

/** Loads `config` as written to `dir`; returns why the outcome is wrong, or undefined. */
export async function checkConfig(dir: string, config: ConfigCase): Promise<string | undefined> {
  const file = join(dir, 'probekit.yaml');
  writeFileSync(file, config.text);
  const started = performance.now();
  let loaded: Awaited<ReturnType<typeof loadConfig>>;
  try {
    loaded = await loadConfig({ file, env: FUZZ_ENV });
  } catch (error) {
    if (!(error instanceof ConfigError))
      return `threw ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`;
    if (config.valid) return `refused although valid: ${error.message}`;
    if (error.problems.length === 0) return 'refused without a problem';
    for (const problem of error.problems) {
      if (!PATH.test(problem.path)) return `a problem without a proper path: ${JSON.stringify(problem)}`;
      if (!problem.message || problem.message.length > 1000)
        return `a problem without a proper message: ${JSON.stringify(problem).slice(0, 300)}`;
    }
    if (config.expect !== undefined && !error.problems.some((problem) => near(problem.path, config.expect!)))
      return `expected a problem at ${config.expect}, got ${JSON.stringify(error.problems)}`;
    return performance.now() - started > 5000 ? 'took more than 5 s' : undefined;
  }
  if (config.invalid) return `accepted although invalid (${config.what})`;
  // Accepted means all of it: the engine takes every check as loaded.
  try {
    new Engine({ checks: loaded.checks });
  } catch (error) {
    return `loaded, but the engine refused it: ${(error as Error).message}`;
  }
  return performance.now() - started > 5000 ? 'took more than 5 s' : undefined;
}

/**
 * Starts a sidecar on a one-check config in `dir`, then swaps in each of `broken` and sends SIGHUP: every reload
 * must be refused and the running config stay as it was. Returns why not (naming the file), or undefined.
 */
export async function checkReloadsRefused(
  dir: string,
  broken: readonly { readonly text: string; readonly what: string }[],
): Promise<string | undefined> {
  const file = join(dir, 'running.yaml');
  const write = (text: string) => {
    writeFileSync(`${file}.next`, text);
    renameSync(`${file}.next`, file);
  };
  write('checks:\n  - { name: keep, exec: { command: ["true"] }, periodSeconds: 0.5 }\n');
  const sidecar = await startServe(['--config', file], FUZZ_ENV);
  try {
    const reloads = () => sidecar.logs.filter((line) => line['trigger'] === 'SIGHUP');
    for (const [i, { text, what }] of broken.entries()) {
      write(text);
      sidecar.child.kill('SIGHUP');
      await sidecar.waitForLog(() => reloads().length > i, 10_000);
      const last = reloads().at(-1)!;
      const body = (await (await fetch(`${sidecar.url}/healthz?format=json`)).json()) as { checks: object };
      if (
        last.msg !== 'config reload refused; the running config stays' ||
        Object.keys(body.checks).join() !== 'keep'
      )
        return `${what}: ${JSON.stringify(last)}; running ${Object.keys(body.checks)}`;
    }
    return sidecar.child.exitCode === null ? undefined : `exited with ${sidecar.child.exitCode}`;
  } finally {
    await sidecar.kill();
  }
}
