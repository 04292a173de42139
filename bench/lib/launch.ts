// Starting a candidate server on the server core and waiting until it answers.
import type { Environment, Server } from '../candidates.js';
import { get, until } from './http.js';
import { freePort, SERVER_CPU, type Spawned, spawnPinned, tail } from './proc.js';

export interface Running {
  readonly server: Server;
  readonly port: number;
  readonly process: Spawned;
  url(path: string): string;
}

/** Why a server is not running: `not built`, or how it failed to start. */
export type NotRunning = { readonly reason: string };

/**
 * Starts `server` pinned to the server core and waits until every one of `paths` answers 200
 * (with its headers). Resolves `{ reason }` instead of throwing, so one broken candidate costs one row.
 */
export async function launch(
  server: Server,
  env: Environment,
  paths: readonly { path: string; headers?: Readonly<Record<string, string>> }[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Running | NotRunning> {
  const missing = await server.missing();
  if (missing) return { reason: missing };
  const port = await freePort();
  const { file, args, env: vars } = server.command(port, env);
  const spawned = spawnPinned(SERVER_CPU, file, args, {
    env: { ...process.env, NODE_ENV: 'production', ...vars, ...extraEnv },
  });
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  try {
    await until(url(server.startedPath), 200, { timeoutMs: 20_000, intervalMs: 20 });
    for (const { path, headers } of paths) {
      await until(url(path), 200, { timeoutMs: 10_000, intervalMs: 50 });
      if (headers) {
        const answer = await get(url(path), { headers });
        if (answer.status !== 200)
          throw new Error(`${path} with ${JSON.stringify(headers)} answered ${answer.status}`);
      }
    }
  } catch (error) {
    await spawned.kill();
    const detail = `${(error as Error).message}\n${tail(spawned.output())}`;
    console.error(`  ${server.id} failed to start: ${detail}`);
    return { reason: 'failed to start' };
  }
  return { server, port, process: spawned, url };
}

export function isRunning(value: Running | NotRunning): value is Running {
  return 'port' in value;
}
