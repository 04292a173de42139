// Starts fixtures/sdk-app.ts, an SDK app on one adapter, in a process of its own.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ROOT } from '../../sidecar/helpers.js';

export const ADAPTERS = ['fastify', 'express', 'node', 'listen'] as const;
export type Adapter = (typeof ADAPTERS)[number];

export interface SdkApp {
  readonly child: ChildProcess;
  readonly appPort: number;
  /** The port the probes answer on: the app's own, or the separate one of `listen()`. */
  readonly probePort: number;
  /** The SDK's JSON log lines (stderr). */
  readonly log: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Ends the app (stdin closes) and waits for it. */
  stop(): Promise<void>;
}

export async function startSdkApp(adapter: Adapter, env: Record<string, string> = {}): Promise<SdkApp> {
  const fixture = new URL('../fixtures/sdk-app.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ADAPTER: adapter, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => log.push(line));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    at: performance.now(),
  }));
  const line = await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line').then(([first]) => first as string),
    exited.then(() => {
      throw new Error(`the ${adapter} app exited before listening:\n${log.join('\n')}`);
    }),
  ]);
  const [, appPort, probePort] = line.split(' ').map(Number);
  return {
    child,
    appPort: appPort!,
    probePort: probePort!,
    log,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      await exited;
    },
  };
}
