// Runs bench/workers/open-loop.mjs (fixed-rate load, latency from when each request fell due) on the load core.
import { join } from 'node:path';
import { ROOT } from '../candidates.js';
import { LOAD_CPU, spawnPinned, tail } from './proc.js';

export interface OpenLoopSpec {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly rate: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
}

export interface OpenLoopResult {
  readonly completed: number;
  /** Answers within the window per second: the rate itself unless the server fell behind. */
  readonly rps: number;
  readonly non200: number;
  readonly errors: number;
  /** Requests still waiting for a connection at the end: the server fell behind. */
  readonly unanswered: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export async function openLoop(spec: OpenLoopSpec): Promise<OpenLoopResult> {
  const worker = spawnPinned(LOAD_CPU, process.execPath, [
    join(ROOT, 'bench/workers/open-loop.mjs'),
    JSON.stringify(spec),
  ]);
  try {
    return await worker.line(
      (l) => (l.startsWith('{') ? (JSON.parse(l) as OpenLoopResult) : undefined),
      (spec.warmupSeconds + spec.seconds) * 1000 + 15_000,
    );
  } catch (error) {
    throw new Error(`open-loop load failed: ${(error as Error).message}\n${tail(worker.output())}`);
  } finally {
    await worker.kill();
  }
}
