// The machine and the versions measured, for the results' header.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly date: string;
  readonly load: string;
}

export function machine(): Machine {
  const model = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1];
  return {
    cpu: model ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load: loadAverage(),
  };
}

/** The 1-, 5- and 15-minute load averages: other work on the machine skews every figure. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

/** What was measured, read when the run starts: the commit, each node binary, the peers. */
export interface Versions {
  /** `git describe`-like: the commit, `+dirty` when the working tree had changes. */
  readonly commit: string;
  readonly commitDate: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly tools: Readonly<Record<string, string>>;
}

export function versions(root: string, tools: Readonly<Record<string, [string, string?]>>): Versions {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return '';
    }
  };
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'packages', 'bench') !== '';
  const packages = [
    '@probekit/core',
    '@probekit/sdk',
    '@probekit/sidecar',
    'fastify',
    'express',
    'prom-client',
    'yaml',
    'lightship',
    '@godaddy/terminus',
    'autocannon',
  ];
  return {
    commit: `${git('rev-parse', '--short=12', 'HEAD') || 'unknown'}${dirty ? '+dirty' : ''}`,
    commitDate: git('log', '-1', '--format=%cI') || 'unknown',
    packages: Object.fromEntries(packages.map((name) => [name, packageVersion(name)])),
    tools: Object.fromEntries(
      Object.entries(tools).map(([name, [command, flag]]) => [name, toolVersion(command, flag)]),
    ),
  };
}

/** `v24.1.0` of a node binary. */
export function nodeVersion(node: string): string {
  return toolVersion(node, '--version');
}

/** The installed version of a package as the bench resolves it, or `missing`. */
export function packageVersion(name: string): string {
  // Found through the resolution paths, not `name/package.json`: an exports map may hide that file (lightship's does).
  for (const dir of require.resolve.paths(name) ?? []) {
    try {
      return (JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) as { version: string })
        .version;
    } catch {
      // not in this node_modules folder
    }
  }
  return 'missing';
}

/** The first line of `command --version` (or the given flag), or `missing`. */
export function toolVersion(command: string, flag = '--version'): string {
  try {
    const output = execFileSync(command, [flag], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return output.split('\n')[0]?.trim() ?? 'unknown';
  } catch (error) {
    // wrk prints its version with a non-zero exit.
    const output = (error as { stdout?: string }).stdout ?? '';
    return output.split('\n')[0]?.trim() || 'missing';
  }
}
