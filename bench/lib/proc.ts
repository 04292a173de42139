// Child processes of the benchmark: spawned pinned to a core, read from /proc, always cleaned up.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The core servers and measured workers run on; the harness and the load generator use the other. */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const HAS_TASKSET = commandExists('taskset');
const children = new Set<ChildProcess>();

/** Whether `name` is on PATH. */
export function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether processes are really pinned (taskset present and two cores or more). */
export function pinningAvailable(): boolean {
  return HAS_TASKSET;
}

/** Pins this process and all its threads to `cpu`; children inherit it unless spawned pinned elsewhere. */
export function pinSelf(cpu: number): void {
  if (HAS_TASKSET)
    execFileSync('taskset', ['-a', '-c', '-p', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything written to stdout and stderr so far (the last 64 KiB). */
  output(): string;
  /** Resolves with the first stdout line for which `match` returns a value. */
  line<T>(match: (line: string) => T | undefined, timeoutMs?: number): Promise<T>;
  /** Sends SIGKILL (unless gone) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `command` pinned to `cpu` (taskset execs it, so the pid is the command's own). */
export function spawnPinned(
  cpu: number,
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Spawned {
  const [file, argv] = HAS_TASKSET
    ? ['taskset', ['-c', String(cpu), command, ...args]]
    : [command, [...args]];
  const child = spawn(file, argv, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    ...(options.cwd !== undefined && { cwd: options.cwd }),
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  children.add(child);
  let text = '';
  let pending = '';
  const watchers = new Set<(line: string) => void>();
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-65536);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    append(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) for (const watcher of [...watchers]) watcher(line);
  });
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => children.delete(child));
  return {
    child,
    pid: child.pid,
    output: () => text,
    line<T>(match: (line: string) => T | undefined, timeoutMs = 15_000) {
      return new Promise<T>((resolve, reject) => {
        const done = (error: Error | undefined, value?: T) => {
          watchers.delete(watcher);
          clearTimeout(timer);
          child.off('close', onExit);
          if (error) reject(error);
          else resolve(value as T);
        };
        const watcher = (line: string) => {
          const value = match(line);
          if (value !== undefined) done(undefined, value);
        };
        const onExit = (code: number | null) =>
          done(new Error(`${command} exited (${code}) before it was ready:\n${tail(text)}`));
        const timer = setTimeout(
          () => done(new Error(`${command} gave no expected line in ${timeoutMs} ms:\n${tail(text)}`)),
          timeoutMs,
        );
        watchers.add(watcher);
        // 'close', not 'exit': the last lines may still be in the pipe when the process has exited.
        child.once('close', onExit);
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Kills every child still running; called on exit and on errors so that no server outlives the run. */
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killAll);

/** The last lines of a child's output, for error messages. */
export function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** CPU time of a process in ms: its own (user + system) and its waited-for children's. */
export function cpuTimes(pid: number): { self: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may contain spaces): state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (index: number) => Number(fields[index - 3]);
  const ms = 1000 / TICKS_PER_SECOND;
  return { self: (ticks(14) + ticks(15)) * ms, children: (ticks(16) + ticks(17)) * ms };
}

/** Resident set size of a process in KiB. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = status.match(/^VmRSS:\s+(\d+) kB/m);
  if (!match?.[1]) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** A TCP port free right now on 127.0.0.1, for servers that cannot report the port they bound. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
