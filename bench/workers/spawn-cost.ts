// Prices an exec check's parts: sequential spawns of `true`, CPU time (user + system) of this process per spawn,
// for the raw call, the raw call with core's spawn options, execa with core's options (with and without `all`)
// and core's exec prober itself. Prints one JSON line: {variant: [µs per spawn, per repetition]}.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { exec } from '@probekit/core';

const { count, reps } = JSON.parse(process.argv[2] ?? '{}') as { count: number; reps: number };

// The execa that core itself resolves, whatever the hoisting.
const fromCore = createRequire(createRequire(import.meta.url).resolve('@probekit/core'));
const { execa } = (await import(pathToFileURL(fromCore.resolve('execa')).href)) as typeof import('execa');

const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
const coreOptions = {
  env,
  extendEnv: false,
  stdin: 'ignore',
  buffer: false,
  reject: false,
  detached: true,
} as const;
const spawned = (options: Parameters<typeof spawn>[2]) => () =>
  new Promise<void>((resolve) => {
    const child = spawn('true', [], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    child.stdout?.resume();
    child.stderr?.resume();
    child.once('close', () => resolve());
  });
const prober = exec({ command: ['true'] });

const variants: Record<string, () => Promise<unknown>> = {
  'child_process.spawn (stdout/stderr piped)': spawned({}),
  'child_process.spawn, core’s options (detached, PATH and HOME only)': spawned({ detached: true, env }),
  'execa, core’s options (all: true)': async () => {
    const child = execa('true', [], { ...coreOptions, all: true });
    child.all?.on('data', () => {});
    await child;
  },
  'execa, core’s options, stdout and stderr read apart': async () => {
    const child = execa('true', [], coreOptions);
    child.stdout?.on('data', () => {});
    child.stderr?.on('data', () => {});
    await child;
  },
  'core exec prober, run() alone': () => prober.run(new AbortController().signal),
};

const results: Record<string, number[]> = {};
for (let rep = 0; rep < reps; rep++) {
  for (const [name, run] of Object.entries(variants)) {
    for (let i = 0; i < Math.min(10, count); i++) await run(); // warm-up
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) await run();
    const used = process.cpuUsage(before);
    results[name] = [...(results[name] ?? []), (used.user + used.system) / count];
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
