// Every server the benchmarks start, and every endpoint they load: one entry per candidate.
// A probekit candidate that is not built yet reports why, and its rows read `n/a (not built)`.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mixedChecks, writeSidecarConfig } from './lib/config.js';
import { commandExists } from './lib/proc.js';
import type { Bar } from './lib/report.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVERS = join(ROOT, 'bench/servers');
export const SIDECAR_CLI = join(ROOT, 'packages/sidecar/dist/bundle/cli.js');
export const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';

/** What a server needs from the run: the node binary measured, the dependency target, a folder for config files. */
export interface Environment {
  /** The node binary servers and measured workers run on (`--node`); the harness itself may run on another. */
  readonly node: string;
  readonly targetPort: number;
  readonly dir: string;
}

export interface Command {
  readonly file: string;
  readonly args: string[];
  readonly env?: Readonly<Record<string, string>>;
}

export interface Server {
  readonly id: string;
  readonly label: string;
  readonly group: Bar['group'];
  /** The path whose first 200 means "serving" (cold start). */
  readonly startedPath: string;
  /** Why it cannot run here (`not built`), or undefined. */
  missing(): Promise<string | undefined>;
  /** The command line of a server listening on 127.0.0.1:`port` (and environment variables it needs). */
  command(port: number, env: Environment): Command;
}

export interface Endpoint {
  readonly id: string;
  readonly label: string;
  readonly server: Server;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The endpoint its target ratio is taken against (the same framework without probekit). */
  readonly baseline?: string;
}

const always = async () => undefined;
/** A fixture of bench/servers run by the measured node, plain JavaScript as users run their servers. */
export const nodeScript = (env: Environment, script: string, ...args: (string | number)[]) => ({
  file: env.node,
  args: [join(SERVERS, script), ...args.map(String)],
});

/** Whether an SDK adapter subpath is built: it resolves and exports something. */
async function sdkMissing(subpath: string): Promise<string | undefined> {
  try {
    const module = (await import(`@probekit/sdk/${subpath}`)) as Record<string, unknown>;
    const root = (await import('@probekit/sdk')) as Record<string, unknown>;
    return Object.keys(module).length > 0 && typeof root['createHealth'] === 'function'
      ? undefined
      : 'not built';
  } catch {
    return 'not built';
  }
}

const sidecarMissing = async () => (existsSync(SIDECAR_CLI) ? undefined : 'not built');

/** The sidecar with a YAML config of `n` checks in the reference mix (4 tcpSocket, 3 httpGet, 3 exec per 10). */
export function sidecarServer(n: number, periodSeconds = 5): Server {
  return {
    id: n === 10 ? 'sidecar' : `sidecar-${n}`,
    label: `probekit sidecar, ${n} checks (YAML)`,
    group: 'probekit',
    // /livez has no checks: it answers as soon as the server serves; /readyz waits for the first runs.
    startedPath: '/livez',
    missing: sidecarMissing,
    command: (port, env) => ({
      file: env.node,
      args: [
        SIDECAR_CLI,
        'serve',
        '--config',
        writeSidecarConfig(env.dir, `sidecar-${n}-${port}`, {
          checks: mixedChecks(n),
          targetPort: env.targetPort,
          periodSeconds,
          port,
        }),
      ],
    }),
  };
}

/**
 * The app fixture (bench/servers/app.cjs): node:http with its own `/ok`, plus the SDK's handler with `checks` checks
 * at `periodSeconds` when `checks` > 0 (and `/metrics` when `metrics`).
 */
export function appServer(
  checks: number,
  options: { periodSeconds?: number; metrics?: boolean } = {},
): Server {
  const metrics = options.metrics ?? false;
  return {
    // The bare app is the `node` baseline of every ratio.
    id: checks === 0 ? 'node' : `app-sdk-${checks}${metrics ? '-metrics' : ''}`,
    label:
      checks === 0
        ? 'bare node:http'
        : `node:http app + SDK, ${checks} checks${metrics ? ', metrics' : ', no metrics'}`,
    group: checks === 0 ? 'baseline' : 'probekit',
    startedPath: '/ok',
    missing: checks === 0 ? always : () => sdkMissing('node'),
    command: (port, env) =>
      nodeScript(env, 'app.cjs', port, checks, env.targetPort, options.periodSeconds ?? 10, metrics ? 1 : 0),
  };
}

export const SERVER_LIST: readonly Server[] = [
  appServer(0),
  {
    id: 'fastify',
    label: 'bare fastify',
    group: 'baseline',
    startedPath: '/ok',
    missing: always,
    command: (port, env) => nodeScript(env, 'fastify-ok.mjs', port),
  },
  {
    id: 'express',
    label: 'bare express',
    group: 'baseline',
    startedPath: '/ok',
    missing: always,
    command: (port, env) => nodeScript(env, 'express-ok.mjs', port),
  },
  sidecarServer(10),
  sidecarServer(100),
  sidecarServer(1000),
  appServer(3),
  appServer(3, { metrics: true }),
  {
    id: 'sdk-fastify',
    label: 'probekit SDK on fastify, 1 check',
    group: 'probekit',
    startedPath: '/livez',
    missing: () => sdkMissing('fastify'),
    command: (port, env) => nodeScript(env, 'sdk-fastify.mjs', port, 1, env.targetPort),
  },
  {
    id: 'sdk-fastify-50',
    label: 'probekit SDK on fastify, 50 checks',
    group: 'probekit',
    startedPath: '/livez',
    missing: () => sdkMissing('fastify'),
    command: (port, env) => nodeScript(env, 'sdk-fastify.mjs', port, 50, env.targetPort),
  },
  {
    id: 'sdk-express',
    label: 'probekit SDK on express, 1 check',
    group: 'probekit',
    startedPath: '/livez',
    missing: () => sdkMissing('express'),
    command: (port, env) => nodeScript(env, 'sdk-express.mjs', port, 1, env.targetPort),
  },
  {
    id: 'sdk-node',
    label: 'probekit SDK on node:http, 1 check',
    group: 'probekit',
    startedPath: '/livez',
    missing: () => sdkMissing('node'),
    command: (port, env) => nodeScript(env, 'sdk-node.mjs', port, 1, env.targetPort),
  },
  {
    id: 'lightship',
    label: 'lightship',
    group: 'peer',
    startedPath: '/ready',
    missing: always,
    command: (port, env) => nodeScript(env, 'lightship.mjs', port),
  },
  {
    id: 'terminus',
    label: '@godaddy/terminus, instant check',
    group: 'peer',
    startedPath: '/ready',
    missing: always,
    command: (port, env) => nodeScript(env, 'terminus.mjs', port, 'instant'),
  },
  {
    id: 'terminus-1ms',
    label: '@godaddy/terminus, 1 ms check',
    group: 'peer',
    startedPath: '/ready',
    missing: always,
    command: (port, env) => nodeScript(env, 'terminus.mjs', port, '1ms'),
  },
  {
    id: 'blackbox',
    label: 'blackbox_exporter',
    group: 'peer',
    startedPath: '/-/healthy',
    missing: async () => (existsSync(BLACKBOX) ? undefined : 'not installed'),
    command: (port, env) => ({
      file: BLACKBOX,
      args: [`--config.file=${writeBlackboxConfig(env)}`, `--web.listen-address=127.0.0.1:${port}`],
    }),
  },
];

export function server(id: string): Server {
  const found = SERVER_LIST.find((s) => s.id === id);
  if (!found) throw new Error(`no server ${id}`);
  return found;
}

const JSON_ACCEPT = { Accept: 'application/health+json' };

export const ENDPOINTS: readonly Endpoint[] = [
  { id: 'node', label: 'bare node:http `ok` (ceiling)', server: server('node'), path: '/ok' },
  { id: 'fastify', label: 'bare fastify route `ok`', server: server('fastify'), path: '/ok' },
  { id: 'express', label: 'bare express route `ok`', server: server('express'), path: '/ok' },
  {
    id: 'sidecar',
    label: 'sidecar /readyz',
    server: server('sidecar'),
    path: '/readyz',
    baseline: 'node',
  },
  {
    id: 'sidecar-verbose',
    label: 'sidecar /readyz?verbose',
    server: server('sidecar'),
    path: '/readyz?verbose',
    baseline: 'node',
  },
  {
    id: 'sidecar-json',
    label: 'sidecar /readyz health+json',
    server: server('sidecar'),
    path: '/readyz',
    headers: JSON_ACCEPT,
    baseline: 'node',
  },
  {
    id: 'sdk-fastify',
    label: 'SDK fastify /readyz',
    server: server('sdk-fastify'),
    path: '/readyz',
    baseline: 'fastify',
  },
  {
    id: 'sdk-fastify-50',
    label: 'SDK fastify /readyz, 50 checks',
    server: server('sdk-fastify-50'),
    path: '/readyz',
    baseline: 'sdk-fastify',
  },
  {
    id: 'sdk-express',
    label: 'SDK express /readyz',
    server: server('sdk-express'),
    path: '/readyz',
    baseline: 'express',
  },
  {
    id: 'sdk-node',
    label: 'SDK node:http /readyz',
    server: server('sdk-node'),
    path: '/readyz',
    baseline: 'node',
  },
  {
    id: 'lightship',
    label: 'lightship /ready',
    server: server('lightship'),
    path: '/ready',
    baseline: 'fastify',
  },
  {
    id: 'terminus',
    label: 'terminus /ready, instant check',
    server: server('terminus'),
    path: '/ready',
    baseline: 'node',
  },
  {
    id: 'terminus-1ms',
    label: 'terminus /ready, 1 ms check',
    server: server('terminus-1ms'),
    path: '/ready',
    baseline: 'node',
  },
];

/** blackbox_exporter's modules for the peers of our check kinds. */
export function writeBlackboxConfig(env: Environment): string {
  const path = join(env.dir, 'blackbox.yml');
  writeFileSync(
    path,
    [
      'modules:',
      '  tcp_connect: { prober: tcp, timeout: 1s }',
      '  http_2xx: { prober: http, timeout: 1s }',
      '  grpc: { prober: grpc, timeout: 1s, grpc: { tls: false, preferred_ip_protocol: ip4 } }',
      '',
    ].join('\n'),
  );
  return path;
}

/** Whether the tools the harness leans on are present; missing ones turn into n/a rows, not failures. */
export function tools(): { wrk: boolean; taskset: boolean; blackbox: boolean } {
  return { wrk: commandExists('wrk'), taskset: commandExists('taskset'), blackbox: existsSync(BLACKBOX) };
}
