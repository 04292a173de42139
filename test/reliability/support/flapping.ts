// The load-and-flap harness shared by the fast test and `npm run soak`: the real sidecar with checks against
// targets that go down and up on their own (fixtures/flapper.ts), autocannon loading the probe endpoints, every
// answer checked — well-formed, consistent with its own status, and consistent with the targets' recent history —
// while the sidecar's RSS and descriptors are sampled from /proc.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type Running, startServe, tempDir } from '../../sidecar/helpers.js';
import { parseHealthJson, parseVerbose } from './answers.js';
import { fdCount, rssKib } from './proc.js';

export type FlapperMessage =
  | { readonly type: 'ready'; readonly tcp: readonly number[]; readonly http: readonly number[] }
  | { readonly type: 'toggle'; readonly index: number; readonly up: boolean; readonly at: number }
  | { readonly type: 'lost'; readonly index: number };

export interface FlappingOptions {
  readonly tcp: number;
  readonly http: number;
  /** Seconds of load, warm-up included. */
  readonly durationSeconds: number;
  /** Seconds before the RSS and descriptor baseline is taken. */
  readonly warmupSeconds: number;
  /** autocannon connections. @default 8 */
  readonly connections?: number;
  /** Timing of every check. @default { periodSeconds: 0.5, timeoutSeconds: 0.5, failureThreshold: 2 } */
  readonly timing?: { periodSeconds: number; timeoutSeconds: number; failureThreshold: number };
  /** Progress lines, for long runs. */
  readonly progress?: (line: string) => void;
}

export interface FlappingReport {
  readonly requests: number;
  readonly byPath: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
  /** Connection errors and timeouts seen by autocannon. */
  readonly errors: number;
  readonly timeouts: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Answers that broke the format or contradicted themselves (first ten shown). */
  readonly malformed: { readonly count: number; readonly examples: readonly string[] };
  /** Check lines that contradicted the target's state over the whole window before the request. */
  readonly wrong: { readonly count: number; readonly examples: readonly string[] };
  /** Check lines judged against the history: where the target held one state for the whole window. */
  readonly judged: number;
  /** Lines that said `stale` (counted apart: not a wrong answer, but a sign the sidecar could not keep up). */
  readonly stale: number;
  readonly toggles: number;
  readonly lostTargets: number;
  readonly checkRuns: number;
  /** Median RSS of the first and the last third after warm-up (GC makes the peaks and troughs noise). */
  readonly rss: { readonly baselineKib: number; readonly finalKib: number; readonly growth: number };
  /**
   * Descriptors at their floor in the first and the last third after warm-up: check runs and reconnecting
   * clients come and go, a leaked descriptor never does, so a leak raises the floor. `peak`: the most seen.
   */
  readonly fds: { readonly baseline: number; readonly final: number; readonly peak: number };
  /** Every sample: seconds since the load started, RSS in KiB, open descriptors. */
  readonly samples: readonly (readonly [number, number, number])[];
}

const DEFAULT_TIMING = { periodSeconds: 0.5, timeoutSeconds: 0.5, failureThreshold: 2 };
// How late a run may start or end beyond the schedule's own bound (the run cap, the sidecar's event loop).
// 2 s: on a 2-core CI machine shared with the load generator, runs can start that late under the load itself.
const SLACK_MS = 2000;
// Answers are judged this long after they arrive, once every toggle before them has come in over IPC.
const JUDGE_DELAY_MS = 300;

interface Verdict {
  readonly index: number;
  readonly passing: boolean;
  readonly stale: boolean;
}

interface Answered {
  readonly sentAt: number;
  readonly at: number;
  readonly verdicts: readonly Verdict[];
}

/** Toggle history per target, and the question the judge asks of it. */
class History {
  readonly #changes: { at: number; up: boolean }[][];
  readonly #lost = new Set<number>();
  toggles = 0;

  /** Every target is up from `since` on; before it, no state is known (no check had run yet). */
  constructor(targets: number, since: number) {
    this.#changes = Array.from({ length: targets }, () => [{ at: since, up: true }]);
  }

  record(message: FlapperMessage): void {
    if (message.type === 'toggle') {
      this.#changes[message.index]!.push({ at: message.at, up: message.up });
      this.toggles++;
    } else if (message.type === 'lost') this.#lost.add(message.index);
  }

  get lost(): number {
    return this.#lost.size;
  }

  /** `up` or `down` if the target held that state over all of [from, to]; otherwise undefined. */
  heldOver(index: number, from: number, to: number): 'up' | 'down' | undefined {
    if (this.#lost.has(index)) return undefined;
    const changes = this.#changes[index]!;
    let state: boolean | undefined;
    for (const change of changes) {
      if (change.at <= from) state = change.up;
      else if (change.at <= to) return undefined;
      else break;
    }
    return state === undefined ? undefined : state ? 'up' : 'down';
  }

  /** Drops changes older than `before`, keeping the one in force then: memory stays flat over a long run. */
  prune(before: number): void {
    for (const changes of this.#changes) {
      let keep = 0;
      while (keep + 1 < changes.length && changes[keep + 1]!.at <= before) keep++;
      if (keep > 0) changes.splice(0, keep);
    }
  }
}

/** Runs the sidecar with `tcp` + `http` flapping checks under load for `durationSeconds`; returns what it saw. */
export async function runFlapping(options: FlappingOptions): Promise<FlappingReport> {
  const timing = options.timing ?? DEFAULT_TIMING;
  const progress = options.progress ?? (() => {});
  const names = [
    ...Array.from({ length: options.tcp }, (_, i) => `tcp-${i}`),
    ...Array.from({ length: options.http }, (_, i) => `http-${i}`),
  ];
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const downWindow =
    (timing.periodSeconds * timing.failureThreshold + timing.timeoutSeconds) * 1000 + SLACK_MS;
  const upWindow = (timing.periodSeconds + timing.timeoutSeconds) * 1000 + SLACK_MS;

  const flapper: ChildProcess = fork(
    new URL('../fixtures/flapper.ts', import.meta.url).pathname,
    [String(options.tcp), String(options.http)],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const [ready] = (await once(flapper, 'message')) as [FlapperMessage];
  if (ready.type !== 'ready') throw new Error(`the flapper said ${JSON.stringify(ready)}`);

  const temp = tempDir('probekit-flapping-');
  const lines = [
    `defaults: { periodSeconds: ${timing.periodSeconds}, timeoutSeconds: ${timing.timeoutSeconds}, failureThreshold: ${timing.failureThreshold} }`,
    'checks:',
    // One in four is not critical: its failures read `[~] … warn`, and readiness stays 200 for it.
    ...ready.tcp.map(
      (port, i) => `  - { name: tcp-${i}, tcpSocket: { port: ${port} }, critical: ${i % 4 !== 3} }`,
    ),
    ...ready.http.map(
      (port, i) => `  - { name: http-${i}, httpGet: { port: ${port} }, critical: ${i % 4 !== 3} }`,
    ),
  ];
  const file = join(temp.dir, 'flapping.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  let sidecar: Running | undefined;
  try {
    sidecar = await startServe(['--config', file]);
    const pid = sidecar.child.pid!;
    const history = new History(names.length, Date.now());
    flapper.on('message', (message: FlapperMessage) => history.record(message));
    flapper.send('start');

    const malformed: string[] = [];
    let malformedCount = 0;
    const wrong: string[] = [];
    let wrongCount = 0;
    let judged = 0;
    let stale = 0;
    const byPath: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    const queue: Answered[] = [];

    const reject = (why: string, status: number, body: string) => {
      malformedCount++;
      if (malformed.length < 10) malformed.push(`${why} — ${status} ${JSON.stringify(body.slice(0, 300))}`);
    };
    const judgeQueue = (now: number) => {
      while (queue.length > 0 && queue[0]!.at < now - JUDGE_DELAY_MS) {
        const answered = queue.shift()!;
        for (const { index, passing, stale: isStale } of answered.verdicts) {
          if (isStale) {
            stale++;
            continue;
          }
          const window = passing ? downWindow : upWindow;
          const held = history.heldOver(index, answered.sentAt - window, answered.at);
          if (held === undefined) continue;
          judged++;
          if ((held === 'down' && passing) || (held === 'up' && !passing)) {
            wrongCount++;
            if (wrong.length < 10)
              wrong.push(
                `${names[index]} read ${passing ? 'passing' : 'failing'} while ${held} for ${window} ms`,
              );
          }
        }
      }
    };

    const PATHS = [
      { weight: 40, path: () => '/readyz?verbose', kind: 'verbose' },
      {
        weight: 30,
        path: () => `/readyz/${names[Math.floor(Math.random() * names.length)]}`,
        kind: 'single',
      },
      { weight: 12, path: () => '/readyz', kind: 'plain' },
      { weight: 12, path: () => '/healthz?format=json', kind: 'json' },
      { weight: 5, path: () => '/livez', kind: 'livez' },
      { weight: 1, path: () => '/metrics', kind: 'metrics' },
    ] as const;
    const total = PATHS.reduce((sum, entry) => sum + entry.weight, 0);
    const pick = () => {
      let roll = Math.random() * total;
      for (const entry of PATHS) {
        roll -= entry.weight;
        if (roll < 0) return entry;
      }
      return PATHS[0];
    };

    const onResponse = (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string | string[]>,
    ) => {
      const at = Date.now();
      const kind = context['kind'] as (typeof PATHS)[number]['kind'];
      const path = context['path'] as string;
      byPath[kind] = (byPath[kind] ?? 0) + 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
      const verdicts: Verdict[] = [];
      try {
        // Every probe answer comes from answer(): one that does not (node's own 503 past a socket's request
        // limit, say) lacks its headers.
        if (kind !== 'metrics' && headers['cache-control'] !== 'no-store')
          throw new Error('not an answer() answer');
        if (kind === 'metrics') {
          if (status !== 200 || !body.includes('probekit_check_up{check="tcp-0"}'))
            throw new Error('bad metrics');
        } else if (kind === 'livez') {
          if (status !== 200 || body !== 'ok') throw new Error('livez has no checks: always ok');
        } else if (kind === 'json') {
          const checks = parseHealthJson(status, body);
          if (checks.size !== names.length) throw new Error(`${checks.size} checks in the JSON`);
          for (const [name, check] of checks)
            verdicts.push({
              index: indexOf.get(name)!,
              passing: check.status === 'pass',
              stale: check.output?.startsWith('stale') ?? false,
            });
        } else if (status === 200 && kind !== 'verbose') {
          if (body !== 'ok') throw new Error('a passing plain answer is `ok`');
          // A single check answering 200 passes, or is a non-critical one failing (warn is 200).
          const index = kind === 'single' ? indexOf.get(path.slice('/readyz/'.length))! : -1;
          if (index >= 0 && index % 4 !== 3) verdicts.push({ index, passing: true, stale: false });
        } else {
          const parsed = parseVerbose(status, body, 'readyz');
          if (kind !== 'single' && parsed.checks.size !== names.length)
            throw new Error(`${parsed.checks.size} lines for ${names.length} checks`);
          for (const [name, line] of parsed.checks)
            verdicts.push({
              index: indexOf.get(name)!,
              passing: line.mark === '+',
              stale: line.reason?.startsWith('stale') ?? false,
            });
        }
      } catch (error) {
        reject(`${path}: ${(error as Error).message.split('\n')[0]}`, status, body);
      }
      if (verdicts.length > 0) queue.push({ sentAt: context['sentAt'] as number, at, verdicts });
    };

    // Resource samples, from the outside.
    const samples: { at: number; rss: number; fds: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => {
      try {
        samples.push({ at: Date.now() - started, rss: rssKib(pid), fds: fdCount(pid) });
      } catch {
        // the sidecar is gone: the report will show it
      }
      judgeQueue(Date.now());
      history.prune(Date.now() - 2 * Math.max(downWindow, upWindow) - 60_000);
    }, 500);
    const ticker = setInterval(() => {
      const last = samples.at(-1);
      progress(
        `${Math.round((Date.now() - started) / 1000)} s: ${Object.values(byPath).reduce((a, b) => a + b, 0)} answers, ` +
          `${history.toggles} toggles, ${wrongCount} wrong, ${malformedCount} malformed, RSS ${last?.rss} KiB, ${last?.fds} fds`,
      );
    }, 30_000);

    const result = await autocannon({
      url: sidecar.url,
      connections: options.connections ?? 8,
      duration: options.durationSeconds,
      timeout: 5,
      requests: [
        {
          setupRequest(request, context) {
            const entry = pick();
            const path = entry.path();
            context['kind'] = entry.kind;
            context['path'] = path;
            context['sentAt'] = Date.now();
            return { ...request, method: 'GET', path };
          },
          onResponse,
        },
      ],
    });
    clearInterval(sampler);
    clearInterval(ticker);
    await new Promise((resolve) => setTimeout(resolve, JUDGE_DELAY_MS + 50));
    judgeQueue(Date.now());

    const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
    let checkRuns = 0;
    for (const match of metrics.matchAll(/^probekit_check_runs_total\{[^}]*\} (\d+)$/gm))
      checkRuns += Number(match[1]);

    const measured = samples.filter((sample) => sample.at >= options.warmupSeconds * 1000);
    const span = measured.length;
    // The first and the last third after warm-up, each long enough to hold a few GC cycles.
    const third = Math.max(1, Math.floor(span / 3));
    const head = measured.slice(0, third);
    const tail = measured.slice(span - third);
    const median = (list: typeof samples) =>
      list.map((sample) => sample.rss).sort((a, b) => a - b)[list.length >> 1]!;
    const floor = (list: typeof samples) => Math.min(...list.map((sample) => sample.fds));
    const baselineKib = median(head);
    const finalKib = median(tail);
    return {
      requests: result.requests.total,
      byPath,
      statuses,
      errors: result.errors,
      timeouts: result.timeouts,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      malformed: { count: malformedCount, examples: malformed },
      wrong: { count: wrongCount, examples: wrong },
      judged,
      stale,
      toggles: history.toggles,
      lostTargets: history.lost,
      checkRuns,
      rss: { baselineKib, finalKib, growth: finalKib / baselineKib - 1 },
      fds: {
        baseline: floor(head),
        final: floor(tail),
        peak: Math.max(...measured.map((sample) => sample.fds)),
      },
      samples: samples.map((sample) => [Math.round(sample.at / 100) / 10, sample.rss, sample.fds] as const),
    };
  } finally {
    if (flapper.connected) flapper.send('stop');
    await sidecar?.kill();
    temp.remove();
  }
}
