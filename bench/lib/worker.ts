// Runs bench/workers/engine-load.ts pinned to the server core and collects its JSON lines.
import { join } from 'node:path';
import { ROOT } from '../candidates.js';
import type { LoadResult, LoadSpec } from '../workers/engine-load.js';
import { SERVER_CPU, spawnPinned } from './proc.js';

export type { LoadResult, LoadSpec };

const WORKER = join(ROOT, 'bench/workers/engine-load.ts');

/**
 * Runs one worker on the `node` binary measured. `during` is called once the measuring window opens, with the port it serves on (when
 * `spec.serve`); the harness measures answer latency from the other core meanwhile.
 */
export async function runWorker(
  node: string,
  spec: LoadSpec,
  during?: (port: number, windowMs: number) => Promise<void>,
): Promise<LoadResult> {
  const spawned = spawnPinned(
    SERVER_CPU,
    node,
    ['--expose-gc', '--import', 'tsx', WORKER, JSON.stringify(spec)],
    { cwd: ROOT },
  );
  type Line = { event: string; port?: number } & Partial<LoadResult>;
  const parse = (line: string): Line | undefined => {
    if (!line.startsWith('{')) return undefined;
    return JSON.parse(line) as Line;
  };
  const timeoutMs = spec.warmupMs + spec.windowMs + 30_000;
  try {
    const listening = spec.serve
      ? spawned.line((l) => (parse(l)?.event === 'listening' ? parse(l)?.port : undefined), 20_000)
      : Promise.resolve(0);
    const window = spawned.line((l) => (parse(l)?.event === 'window' ? true : undefined), timeoutMs);
    const result = spawned.line((l) => (parse(l)?.event === 'result' ? parse(l) : undefined), timeoutMs);
    // ATTENTION: all three watch the output from the start; the ones not awaited yet must not reject unhandled.
    for (const pending of [listening, window, result]) pending.catch(() => {});
    const port = (await listening) ?? 0;
    if (during) {
      await window;
      await during(port, spec.windowMs);
    }
    return (await result) as unknown as LoadResult;
  } finally {
    await spawned.kill();
  }
}
