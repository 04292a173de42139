// The load generator: wrk (Debian's package) pinned to the load core; autocannon's CLI where wrk is missing.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { commandExists, LOAD_CPU, spawnPinned, tail } from './proc.js';

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses that were not 2xx/3xx: a candidate answering 503 is not measured, it is broken. */
  readonly non2xx: number;
  readonly socketErrors: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  readonly headers?: Readonly<Record<string, string>>;
}

const WRK_SCRIPT = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** `wrk 4.x` or `autocannon x.y`, for the results' header. */
export const LOAD_GENERATOR = commandExists('wrk') ? 'wrk' : 'autocannon';

/** Loads `url` for `seconds` with keep-alive connections from one thread on the load core. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const headers = Object.entries(options.headers ?? {}).flatMap(([name, value]) => [
    '-H',
    `${name}: ${value}`,
  ]);
  if (LOAD_GENERATOR === 'wrk') {
    const args = [
      '-t1',
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '--timeout',
      '2s',
      '-s',
      WRK_SCRIPT,
      ...headers,
      options.url,
    ];
    const json = await lastJsonLine(spawnPinned(LOAD_CPU, 'wrk', args));
    const seconds = Number(json['durationUs']) / 1e6;
    return {
      requests: Number(json['requests']),
      seconds,
      rps: Number(json['requests']) / seconds,
      p50Ms: Number(json['p50Us']) / 1000,
      p99Ms: Number(json['p99Us']) / 1000,
      non2xx: Number(json['non2xx']),
      socketErrors: Number(json['socketErrors']),
    };
  }
  const args = [
    AUTOCANNON,
    '-c',
    String(options.connections),
    '-d',
    String(options.seconds),
    '-j',
    ...headers,
    options.url,
  ];
  const json = await lastJsonLine(spawnPinned(LOAD_CPU, process.execPath, args));
  const requests = json['requests'] as { total: number };
  const latency = json['latency'] as { p50: number; p99: number };
  const seconds = Number(json['duration']);
  return {
    requests: requests.total,
    seconds,
    rps: requests.total / seconds,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    non2xx: Number(json['non2xx']),
    socketErrors: Number(json['errors']),
  };
}

async function lastJsonLine(spawned: ReturnType<typeof spawnPinned>): Promise<Record<string, unknown>> {
  const code = await new Promise<number | null>((resolve) => spawned.child.once('close', resolve));
  const line = spawned
    .output()
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`${LOAD_GENERATOR} failed (${code}):\n${tail(spawned.output())}`);
  return JSON.parse(line) as Record<string, unknown>;
}
