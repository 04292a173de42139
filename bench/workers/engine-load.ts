// A measured worker, pinned to the server core by the harness: n checks of one kind at a fixed period, either
// through a core Engine or as the raw Node operation on the same timers (the floor the engine is compared with).
// It optionally serves /readyz from the engine, warms up, then measures one window and prints one JSON line.
// Protocol (stdout, JSON lines): {"event":"listening","port"} · {"event":"window"} · {"event":"result",…}.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import { connect } from 'node:net';
import { answer, type CheckSpec, Engine, exec, grpc, httpGet, type Prober, tcpSocket } from '@probekit/core';
import { cpuTimes, rssKiB } from '../lib/proc.js';
import { percentile } from '../lib/stats.js';

export interface LoadSpec {
  readonly mode: 'engine' | 'raw';
  readonly kind: 'tcp' | 'http' | 'exec' | 'grpc';
  readonly n: number;
  readonly periodSeconds: number;
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly host: string;
  readonly port: number;
  readonly command: readonly string[];
  /**
   * One operation after the other instead of n on timers (the engine: one check every ms, each tick missed while
   * a run is in flight skipped). For exec: at 20 spawns a second, whatever the process does between them (GC, the
   * pages a fork left copy-on-write) weighed more than the spawns and varied ×2 between runs.
   */
  readonly backToBack?: boolean;
  /** Serve /readyz (and the other probe paths) from the engine on 127.0.0.1. */
  readonly serve: boolean;
  /** Write a CPU profile of the measuring window (only) to this path. */
  readonly profile?: string;
}

export interface LoadResult {
  readonly runs: number;
  readonly failures: number;
  readonly firstFailure?: string;
  readonly cpuMs: number;
  readonly childrenCpuMs: number;
  readonly wallMs: number;
  readonly lateP50Ms: number;
  readonly lateP99Ms: number;
  readonly lateMaxMs: number;
  readonly rssBeforeKiB: number;
  readonly rssAfterKiB: number;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

function prober(): Prober {
  const target = { host: spec.host, port: spec.port };
  switch (spec.kind) {
    case 'tcp':
      return tcpSocket(target);
    case 'http':
      return httpGet({ ...target, path: '/' });
    case 'grpc':
      return grpc(target);
    case 'exec':
      return exec({ command: spec.command });
  }
}

/** The same work without the engine: what a hand-written loop of Node calls costs. */
function rawOperation(): () => Promise<boolean> {
  switch (spec.kind) {
    case 'tcp':
      return () =>
        new Promise((resolve) => {
          const socket = connect({ host: spec.host, port: spec.port });
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        });
    case 'http':
      return () =>
        new Promise((resolve) => {
          const request = http.get(
            { host: spec.host, port: spec.port, path: '/', agent: false },
            (response) => {
              response.resume();
              response.once('end', () => resolve(response.statusCode === 200));
            },
          );
          request.once('error', () => resolve(false));
        });
    case 'exec': {
      // What core's exec does around the command, with node's spawn: its own process group (detached), an
      // environment of PATH and HOME only, stdin closed, stdout and stderr piped and read, and the group killed
      // once the command exits (leftovers would hold the pipes open).
      const env: Record<string, string> = {};
      for (const name of ['PATH', 'HOME']) {
        const value = process.env[name];
        if (value !== undefined) env[name] = value;
      }
      return () =>
        new Promise((resolve) => {
          const [file = 'true', ...args] = spec.command;
          const child = spawn(file, args, { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
          const read = () => {};
          child.stdout.on('data', read);
          child.stderr.on('data', read);
          child.once('exit', () => {
            try {
              if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
            } catch {
              // ESRCH: the group is already gone.
            }
          });
          child.once('error', () => resolve(false));
          child.once('close', (code) => resolve(code === 0));
        });
    }
    case 'grpc':
      throw new Error('no raw gRPC baseline: compare with blackbox_exporter');
  }
}

let measuring = false;
let runs = 0;
let failures = 0;
let firstFailure: string | undefined;
const late: number[] = [];
const count = (ok: boolean, lateMs: number, output?: string) => {
  if (!measuring) return;
  runs++;
  late.push(lateMs);
  if (!ok) {
    failures++;
    firstFailure ??= output ?? 'failed';
  }
};

gc();
const rssBeforeKiB = rssKiB(process.pid);
const heapBeforeBytes = process.memoryUsage().heapUsed;

let stop: () => Promise<void>;
let engine: Engine | undefined;
if (spec.mode === 'engine') {
  const kindProber = prober;
  const checks: CheckSpec[] = Array.from({ length: spec.n }, (_, i) => ({
    name: `c${i}`,
    check: kindProber(),
    periodSeconds: spec.periodSeconds,
    // Long enough that a busy core does not turn into timeouts: the cost measured is the cost of a success.
    timeoutSeconds: Math.max(1, spec.periodSeconds),
  }));
  engine = new Engine({ checks });
  engine.on('run', (run) => count(run.result === 'success', run.lateMs, run.output));
  engine.start();
  const running = engine;
  stop = () => running.stop();
} else if (spec.backToBack) {
  const operation = rawOperation();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) count(await operation(), 0);
  })();
  stop = async () => {
    stopped = true;
    await loop;
  };
} else {
  const operation = rawOperation();
  const periodMs = spec.periodSeconds * 1000;
  const timers = new Set<NodeJS.Timeout>();
  // One timer per operation on a fixed-rate schedule with a random first offset, as the engine schedules checks.
  for (let i = 0; i < spec.n; i++) {
    let due = performance.now() + Math.random() * Math.min(periodMs, 1000);
    const tick = () => {
      timers.delete(timer);
      const lateMs = performance.now() - due;
      due += periodMs;
      timer = setTimeout(tick, Math.max(0, due - performance.now()));
      timers.add(timer);
      void operation().then((ok) => count(ok, lateMs));
    };
    let timer = setTimeout(tick, due - performance.now());
    timers.add(timer);
  }
  stop = async () => {
    for (const timer of timers) clearTimeout(timer);
  };
}

let server: http.Server | undefined;
if (spec.serve && engine) {
  const source = engine;
  server = http.createServer((request, response) => {
    const reply = answer(source.snapshot(), {
      ...(request.method !== undefined && { method: request.method }),
      url: request.url ?? '/',
      accept: request.headers.accept,
    });
    if (!reply) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(reply.status, reply.headers).end(reply.body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  emit({ event: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
}

await new Promise((resolve) => setTimeout(resolve, spec.warmupMs));
gc();
const rssAfterKiB = rssKiB(process.pid);
const heapAfterBytes = process.memoryUsage().heapUsed;
const children0 = cpuTimes(process.pid).children;
const profiler = spec.profile === undefined ? undefined : new Session();
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
measuring = true;
emit({ event: 'window' });
await new Promise((resolve) => setTimeout(resolve, spec.windowMs));
measuring = false;
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - wall0;
const childrenCpuMs = cpuTimes(process.pid).children - children0;
if (profiler && spec.profile !== undefined) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(spec.profile, JSON.stringify(profile));
}
await stop();
server?.close();
const result: LoadResult = {
  runs,
  failures,
  ...(firstFailure !== undefined && { firstFailure }),
  cpuMs: (cpu.user + cpu.system) / 1000,
  childrenCpuMs,
  wallMs,
  lateP50Ms: percentile(late, 50),
  lateP99Ms: percentile(late, 99),
  lateMaxMs: percentile(late, 100),
  rssBeforeKiB,
  rssAfterKiB,
  heapBeforeBytes,
  heapAfterBytes,
};
emit({ event: 'result', ...result });
process.exit(0);
