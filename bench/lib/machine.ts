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
