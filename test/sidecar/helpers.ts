// Shared by the sidecar's end-to-end tests: the real binary, kubelet-style probes, targets that go up and down.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CLI = join(ROOT, 'packages/sidecar/dist/bundle/cli.js');

export type LogLine = Record<string, unknown> & { msg: string; level: string };

export interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly logs: LogLine[];
  /** Resolves with the first log line (already seen or to come) matching `predicate`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Kills the process if it still runs. */
  kill(): Promise<void>;
}

/** Starts `probekit serve` on a free loopback port and resolves once it logs `listening`. */
export async function startServe(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let errors = '';
  const waiters = new Set<() => void>();
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      errors += `(not JSON on stdout) ${line}\n`;
    }
    for (const wake of waiters) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    });
  });
  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 5000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logs.find(predicate);
        if (found) return finish(() => resolve(found));
        if (child.exitCode !== null || child.signalCode !== null) {
          finish(() =>
            reject(
              new Error(
                `probekit exited before the log line came; stderr: ${errors}; logs: ${JSON.stringify(logs)}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(
                `no such log line within ${timeoutMs} ms; logs: ${JSON.stringify(logs)}; stderr: ${errors}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const finish = (then: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        then();
      };
      waiters.add(check);
      check();
    });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  try {
    const listening = await waitForLog((line) => line.msg === 'listening');
    return { child, url: String(listening['url']), logs, waitForLog, exited, stderr: () => errors, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}

export interface ProbeResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** One request the way the kubelet sends it: `User-Agent: kube-probe/1.31`, `Accept: *\/*`, no keep-alive, 1 s timeout. */
export function kubeProbe(
  url: string,
  options: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: options.method ?? 'GET',
      agent: false,
      headers: { 'User-Agent': 'kube-probe/1.31', Accept: '*/*', Connection: 'close', ...options.headers },
      timeout: options.timeoutMs ?? 1000,
    });
    request.on('timeout', () =>
      request.destroy(new Error(`no answer within ${options.timeoutMs ?? 1000} ms`)),
    );
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body, headers: response.headers }),
      );
    });
    request.end();
  });
}

/** Whether the kubelet would count the answer a success: 200-399. */
export function passes(response: ProbeResponse): boolean {
  return response.status >= 200 && response.status < 400;
}

/** Runs the CLI to completion; `input` is written to its stdin (none: stdin is /dev/null). */
export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...options.env },
      cwd: options.cwd ?? ROOT,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** A loopback HTTP server answering every request with `status`. */
export async function httpTarget(): Promise<{
  port: number;
  setStatus(status: number): void;
  close(): Promise<void>;
}> {
  let status = 200;
  const server = http.createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    setStatus(next) {
      status = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback TCP listener that can be closed and opened again on the same port. */
export interface TcpTarget {
  readonly port: number;
  close(): Promise<void>;
  open(): Promise<void>;
}

export async function tcpTarget(): Promise<TcpTarget> {
  let server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    open: async () => {
      server = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };
}

/** A temporary directory, removed by `remove`. */
export interface TempDir {
  readonly dir: string;
  /** Writes the file `name` in it; returns its path. */
  write(name: string, text: string): string;
  remove(): void;
}

export function tempDir(prefix = 'probekit-e2e-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * For the tests of one describe block: a loopback TCP target `db`, and `probekit serve` on the probekit.yaml
 * that `yaml` writes for it (its port, and `files.dir` for what its checks look at); both started before the
 * tests and stopped after them. `db` and `serve` are there once the tests run.
 */
export function serveWithTarget(
  prefix: string,
  yaml: (port: number, dir: string) => string,
): { readonly files: TempDir; readonly db: TcpTarget; readonly serve: Running } {
  const files = tempDir(prefix);
  const pod = { files } as { files: TempDir; db: TcpTarget; serve: Running };
  before(async () => {
    pod.db = await tcpTarget();
    pod.serve = await startServe(['--config', files.write('probekit.yaml', yaml(pod.db.port, files.dir))]);
  });
  after(async () => {
    await pod.serve?.kill();
    await pod.db?.close().catch(() => {});
    files.remove();
  });
  return pod;
}

/** Calls `probe` until it returns something truthy, at most `timeoutMs`. */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 5000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
