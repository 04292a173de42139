// Prices an exec check's parts: sequential spawns of `true`, CPU time (user + system) of this process per spawn,
// for the raw call, the raw call with core's spawn options, and core's exec prober itself (which also opens the
// socket its output is read from). Prints one JSON line: {variant: [µs per spawn, per repetition]}.
import { spawn } from 'node:child_process';
import { exec } from '@probekit/core';

const { count, reps } = JSON.parse(process.argv[2] ?? '{}') as { count: number; reps: number };

const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
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
