// Section 3: CPU time per check run. probekit's kinds run through a core Engine (n checks at a 1 s period);
// the floor is the raw Node call on the same timers; the peer is blackbox_exporter probing the same targets.
import http from 'node:http';
import { join } from 'node:path';
import { type Environment, ROOT, server } from '../candidates.js';
import { isRunning, launch } from '../lib/launch.js';
import { cpuTimes, LOAD_CPU, type Spawned, spawnPinned } from '../lib/proc.js';
import { type Bar, type SectionResult, type TargetRow, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmt, fmtSpread, ratioOf, type Spread, spread } from '../lib/stats.js';
import { type LoadSpec, runWorker } from '../lib/worker.js';

type Kind = LoadSpec['kind'];

/** Checks per worker at a 1 s period, so runs per second: enough runs to measure, few enough to stay idle-ish. */
const RATE: Record<Kind, number> = { tcp: 200, http: 200, grpc: 100, exec: 20 };
/** Exec runs one after the other (see LoadSpec.backToBack): the engine with one check every ms. */
const BACK_TO_BACK: ReadonlySet<Kind> = new Set(['exec']);
const EXEC_COMMAND = ['true'];

interface Row {
  readonly label: string;
  readonly group: Bar['group'];
  readonly kind: Kind;
  /** µs of CPU per run, per repetition. */
  readonly perRun: number[];
  /** With the CPU of waited-for child processes (exec). */
  readonly perRunWithChildren: number[];
  /** Runs per second, where they ran back to back (exec). */
  readonly measuredRate: number[];
  readonly rate: number;
  failures: number;
  firstFailure?: string;
  reason?: string;
}

export async function checkCost(settings: Settings, env: Environment): Promise<SectionResult> {
  const grpcTarget = spawnPinned(LOAD_CPU, process.execPath, [join(ROOT, 'bench/servers/grpc-target.mjs')]);
  const grpcPort = await grpcTarget.line((l) =>
    l.startsWith('listening ') ? Number(l.slice(10)) : undefined,
  );
  const rows: Row[] = [];
  const row = (label: string, group: Bar['group'], kind: Kind): Row => {
    const r: Row = {
      label,
      group,
      kind,
      perRun: [],
      perRunWithChildren: [],
      measuredRate: [],
      rate: RATE[kind],
      failures: 0,
    };
    rows.push(r);
    return r;
  };
  const probekit = (['tcp', 'http', 'grpc', 'exec'] as const).map((kind) =>
    row(`probekit ${kind} check (Engine)`, 'probekit', kind),
  );
  const raw: Partial<Record<Kind, Row>> = {
    tcp: row('raw net.connect + destroy', 'baseline', 'tcp'),
    http: row('raw http.get, agent: false', 'baseline', 'http'),
    exec: row(
      'raw child_process.spawn, core’s options (detached, PATH and HOME, pipes read, group killed)',
      'baseline',
      'exec',
    ),
  };
  const blackbox: Partial<Record<Kind, Row>> = {
    tcp: row('blackbox_exporter tcp_connect', 'peer', 'tcp'),
    http: row('blackbox_exporter http_2xx', 'peer', 'http'),
    grpc: row('blackbox_exporter grpc', 'peer', 'grpc'),
  };
  const trivial = row('blackbox_exporter GET /-/healthy (subtracted)', 'peer', 'tcp');

  const workerSpec = (mode: LoadSpec['mode'], kind: Kind): LoadSpec => ({
    mode,
    kind,
    ...(BACK_TO_BACK.has(kind)
      ? { n: 1, periodSeconds: 0.001, backToBack: true }
      : { n: RATE[kind], periodSeconds: 1 }),
    warmupMs: settings.costWarmupMs,
    windowMs: settings.costWindowMs,
    host: '127.0.0.1',
    port: kind === 'grpc' ? grpcPort : env.targetPort,
    command: EXEC_COMMAND,
    serve: false,
  });
  const bb = await launch(server('blackbox'), env, []);
  if (!isRunning(bb)) for (const r of [...Object.values(blackbox), trivial]) if (r) r.reason = bb.reason;

  for (let rep = 0; rep < settings.reps; rep++) {
    for (const r of probekit) await measureWorker(r, workerSpec('engine', r.kind));
    for (const r of Object.values(raw)) if (r) await measureWorker(r, workerSpec('raw', r.kind));
    if (isRunning(bb)) {
      const targets: Record<Kind, string> = {
        tcp: `module=tcp_connect&target=127.0.0.1:${env.targetPort}`,
        http: `module=http_2xx&target=http://127.0.0.1:${env.targetPort}/`,
        grpc: `module=grpc&target=127.0.0.1:${grpcPort}`,
        exec: '',
      };
      for (const [kind, r] of Object.entries(blackbox) as [Kind, Row][]) {
        await measureBlackbox(r, bb.process, bb.url(`/probe?${targets[kind]}`), true);
      }
      await measureBlackbox(trivial, bb.process, bb.url('/-/healthy'), false);
    }
  }
  if (isRunning(bb)) await bb.process.kill();
  await grpcTarget.kill();
  return report(rows, probekit, raw, blackbox, trivial, settings);

  async function measureWorker(r: Row, spec: LoadSpec) {
    if (r.reason) return;
    try {
      const result = await runWorker(env.node, spec);
      r.perRun.push((result.cpuMs * 1000) / result.runs);
      if (BACK_TO_BACK.has(r.kind)) r.measuredRate.push(result.runs / (result.wallMs / 1000));
      r.perRunWithChildren.push(((result.cpuMs + result.childrenCpuMs) * 1000) / result.runs);
      r.failures += result.failures;
      if (result.firstFailure !== undefined) r.firstFailure ??= result.firstFailure;
      console.log(
        `  ${r.label}: ${result.runs} runs, ${((result.cpuMs * 1000) / result.runs).toFixed(1)} µs CPU/run`,
      );
    } catch (error) {
      console.error(`  ${r.label} failed: ${(error as Error).message}`);
      r.reason = 'failed';
    }
  }

  async function measureBlackbox(r: Row, process: Spawned, url: string, probe: boolean) {
    const rate = probe ? r.rate : RATE.tcp;
    await paced(url, rate, settings.costWarmupMs, probe);
    const before = cpuTimes(process.pid).self;
    const { done, failed, firstFailure } = await paced(url, rate, settings.costWindowMs, probe);
    const perRun = ((cpuTimes(process.pid).self - before) * 1000) / done;
    r.perRun.push(perRun);
    r.perRunWithChildren.push(perRun);
    r.failures += failed;
    if (firstFailure !== undefined) r.firstFailure ??= firstFailure;
    console.log(`  ${r.label}: ${done} probes, ${perRun.toFixed(1)} µs CPU/probe`);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Sends GETs at `rate` per second for `ms`, over keep-alive connections; counts answers and failed probes. */
async function paced(url: string, rate: number, ms: number, probe: boolean) {
  const pending: Promise<void>[] = [];
  let done = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const total = Math.round((rate * ms) / 1000);
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      new Promise<void>((resolve) => {
        http
          .get(url, { agent }, (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              body += chunk;
            });
            response.on('end', () => {
              done++;
              if (response.statusCode !== 200 || (probe && !/^probe_success 1$/m.test(body))) {
                failed++;
                firstFailure ??= `status ${response.statusCode}: ${body.slice(0, 200)}`;
              }
              resolve();
            });
          })
          .on('error', (error) => {
            failed++;
            firstFailure ??= error.message;
            resolve();
          });
      }),
    );
  }
  await Promise.all(pending);
  return { done, failed, firstFailure };
}

function report(
  rows: readonly Row[],
  probekit: readonly Row[],
  raw: Partial<Record<Kind, Row>>,
  blackbox: Partial<Record<Kind, Row>>,
  trivial: Row,
  settings: Settings,
): SectionResult {
  const trivialUs = spread(trivial.perRun).median;
  // blackbox's own HTTP request is not part of a probe: subtract the cost of a trivial request, per repetition.
  const blackboxNet = (kind: Kind): number[] =>
    (blackbox[kind]?.perRun ?? []).map((us, i) => us - (trivial.perRun[i] ?? trivialUs));
  const ofKind = (kind: Kind) => probekit.find((r) => r.kind === kind)!;
  const vsBlackbox = (r: Row): Spread | undefined =>
    blackbox[r.kind] && !blackbox[r.kind]?.reason && r.kind !== 'exec'
      ? ratioOf(r.perRun, blackboxNet(r.kind))
      : undefined;
  const lines = rows.map((r) => {
    if (r.reason) return [r.label, '', unavailable(r.reason), '', '', ''];
    const isBlackbox = Object.values(blackbox).includes(r);
    const net = isBlackbox ? `, net ${fmtSpread(spread(blackboxNet(r.kind)), 1)}` : '';
    const vs = r.group === 'peer' ? undefined : vsBlackbox(r);
    const vsRaw =
      r.group === 'probekit' && raw[r.kind] && !raw[r.kind]?.reason
        ? ratioOf(r.perRun, raw[r.kind]!.perRun)
        : undefined;
    return [
      r.label,
      r === trivial
        ? fmt(RATE.tcp)
        : BACK_TO_BACK.has(r.kind)
          ? `${fmt(spread(r.measuredRate).median)}, back to back`
          : fmt(r.rate),
      fmtSpread(spread(r.perRun), 1) +
        net +
        (r.kind === 'exec' ? `; with the child: ${fmtSpread(spread(r.perRunWithChildren), 0)}` : ''),
      vs ? `×${fmtSpread(vs, 2)}` : '',
      vsRaw ? `×${fmtSpread(vsRaw, 2)}` : '',
      r.failures > 0
        ? `⚠ ${r.failures} failed: ${(r.firstFailure ?? '').replace(/\|/g, '/').slice(0, 80)}`
        : '',
    ];
  });
  const targets: TargetRow[] = [];
  const floor = (id: string, goal: string, kind: Kind, max: number) => {
    const r = ofKind(kind);
    const base = raw[kind];
    const reason = r.reason ?? base?.reason ?? (base ? undefined : 'no baseline');
    if (reason !== undefined || !base) {
      targets.push({ id, issue: 11, goal, figure: unavailable(reason ?? ''), met: undefined });
      return;
    }
    const ratio = ratioOf(r.perRun, base.perRun);
    const peer = vsBlackbox(r);
    targets.push({
      id,
      issue: 11,
      goal,
      figure: `×${fmtSpread(ratio, 2)}${peer ? ` (blackbox_exporter: ×${fmtSpread(peer, 2)})` : ''}`,
      met: ratio.median <= max,
    });
  };
  floor('check-tcp', 'CPU per TCP check run ≤ 1.1× a raw `net.connect` + destroy', 'tcp', 1.1);
  floor('check-http', 'CPU per HTTP check run ≤ 1.1× a raw `http.get` on a new connection', 'http', 1.1);
  floor('check-exec', 'CPU per exec check run ≤ 1.3× a raw `spawn` with the same options', 'exec', 1.3);
  const KIND_LABEL: Record<Kind, string> = { tcp: 'TCP', http: 'HTTP', grpc: 'gRPC', exec: 'exec' };
  const bar = (r: Row): Bar => {
    const s = spread(Object.values(blackbox).includes(r) ? blackboxNet(r.kind) : r.perRun);
    const who =
      r.group === 'probekit'
        ? 'probekit'
        : r.group === 'peer'
          ? r.label.replace('_exporter', '')
          : r.label.split(',')[0];
    return {
      label: `${KIND_LABEL[r.kind]}: ${who}`,
      value: r.reason ? Number.NaN : s.median,
      min: s.min,
      max: s.max,
      group: r.group,
    };
  };
  const order = (kinds: readonly Kind[]) =>
    kinds.flatMap((kind) => rows.filter((r) => r !== trivial && r.kind === kind).map(bar));
  const body = [
    `Each worker runs alone on the server core: n checks at \`periodSeconds: 1\` (n = runs per second: TCP ${RATE.tcp}, HTTP ${RATE.http}, ` +
      `gRPC ${RATE.grpc}); exec runs back to back instead (the raw loop one spawn after the other, the engine one check every ms), ` +
      'since at a few spawns a second what the process does between them (GC, pages a fork left copy-on-write) outweighed the ' +
      `spawns and varied ×2 between runs. ${settings.costWarmupMs} ms warm-up, then process CPU time (user + system) over ` +
      `${settings.costWindowMs} ms divided by the runs finished; ${settings.reps} repetition(s). The targets (an HTTP server that answers ` +
      '`ok`, the gRPC health server of `grpc-health-check`) run on the other core. blackbox_exporter is driven through `/probe` at ' +
      'the same rate over keep-alive connections; its CPU is read from /proc; "net" subtracts the cost of a trivial `GET /-/healthy` ' +
      'at the same rate (the request to blackbox itself is not part of a probe; its `/probe` reply, a small metrics page, costs a ' +
      `little more to render, so net still slightly overstates the probe). The exec command is \`${EXEC_COMMAND.join(' ')}\`.`,
    '',
    table(['work', 'runs/s', 'CPU µs per run', '× blackbox (net)', '× raw Node', 'failures'], lines),
  ].join('\n');
  return {
    title: 'CPU cost per check run',
    body,
    targets,
    panels: [
      {
        title: 'CPU time per check run, µs (blackbox: net of its own HTTP request)',
        unit: ' µs',
        bars: order(['tcp', 'http', 'grpc']),
      },
      {
        title: 'CPU time per exec check run, µs (the process itself, not the command)',
        unit: ' µs',
        bars: order(['exec']),
      },
    ],
  };
}
