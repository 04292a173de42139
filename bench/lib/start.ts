// Starting servers for the start-up and memory figures: spawn → first 200, CPU until then, RSS some time later.
import type { Environment, Server } from '../candidates.js';
import { until } from './http.js';
import { cpuTimes, freePort, rssKiB, SERVER_CPU, type Spawned, sleep, spawnPinned, tail } from './proc.js';

export interface Start {
  readonly startMs: number;
  /** CPU time the process used until its first 200: unlike wall time, other load on the machine hardly moves it. */
  readonly cpuMs: number;
  readonly readyMs?: number;
}

/** Starts `candidate` alone and times its first 200 (then its first 200 on `readyPath`, if given); then kills it. */
export async function startOnce(candidate: Server, env: Environment, readyPath?: string): Promise<Start> {
  const port = await freePort();
  const { file, args, env: vars } = candidate.command(port, env);
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  const begin = performance.now();
  const spawned = spawnPinned(SERVER_CPU, file, args, {
    env: { ...process.env, NODE_ENV: 'production', ...vars },
  });
  try {
    const started = await until(url(candidate.startedPath), 200, { intervalMs: 2, timeoutMs: 15_000 });
    const cpuMs = cpuTimes(spawned.pid).self;
    if (readyPath === undefined) return { startMs: started - begin, cpuMs };
    const ready = await until(url(readyPath), 200, { intervalMs: 2, timeoutMs: 15_000 });
    return { startMs: started - begin, cpuMs, readyMs: ready - begin };
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${tail(spawned.output())}`);
  } finally {
    await spawned.kill();
  }
}

/** Starts every server, one after the other, and reads each one's RSS in KiB `idleMs` after its own spawn, by id. */
export async function residentSizes(
  servers: readonly Server[],
  env: Environment,
  idleMs: number,
): Promise<Map<string, number>> {
  const running: Spawned[] = [];
  const reads: Promise<[string, number]>[] = [];
  try {
    for (const candidate of servers) {
      const { id } = candidate;
      const port = await freePort();
      const { file, args, env: vars } = candidate.command(port, env);
      const spawned = spawnPinned(SERVER_CPU, file, args, {
        env: { ...process.env, NODE_ENV: 'production', ...vars },
      });
      running.push(spawned);
      // The clock starts at the spawn, whatever the next servers' starts take.
      const read = sleep(idleMs).then((): [string, number] => [id, rssKiB(spawned.pid)]);
      read.catch(() => {}); // awaited below; a server that died meanwhile must not reject unhandled first
      reads.push(read);
      await until(`http://127.0.0.1:${port}${candidate.startedPath}`, 200, {
        intervalMs: 10,
        timeoutMs: 20_000,
      });
    }
    return new Map(await Promise.all(reads));
  } finally {
    for (const spawned of running) await spawned.kill();
  }
}
