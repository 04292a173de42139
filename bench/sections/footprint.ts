// Issue 11, the per-pod cost: spawn → first 200 (and, for the sidecar, → first /readyz 200 with every check passed
// at its first run), and RSS 10 s after start, each against the bare node:http server of the same run; the SDK's
// addition to an app; the sidecar's memory per check at 100 and 1,000 checks.
import { type Environment, server } from '../candidates.js';
import { type SectionResult, type TargetRow, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { residentSizes, type Start, startOnce } from '../lib/start.js';
import { fmt, fmtSigned, fmtSpread, ratioOf, type Spread, spread } from '../lib/stats.js';

/** Started one at a time, in turn, for the cold-start figures. */
const STARTS = ['node', 'sidecar', 'app-sdk-3', 'app-sdk-3-metrics', 'fastify', 'lightship', 'blackbox'];
/** Left idle side by side for the RSS figures (an idle neighbour does not move a process's RSS). */
const RESIDENTS = [...STARTS, 'sidecar-100', 'sidecar-1000'];
/** The sidecar's second path: the first /readyz 200 means every check passed its first run. */
const READY_PATH: Readonly<Record<string, string>> = { sidecar: '/readyz' };
const MB = 1e6;

export async function footprint(settings: Settings, env: Environment): Promise<SectionResult> {
  const reasons = new Map<string, string>();
  for (const id of RESIDENTS) {
    const reason = await server(id).missing();
    if (reason) reasons.set(id, reason);
  }
  const starts = new Map<string, Start[]>(STARTS.map((id) => [id, []]));
  const rss = new Map<string, number[]>(RESIDENTS.map((id) => [id, []]));

  for (let rep = 0; rep < settings.coldStartReps; rep++) {
    // Rotated, so that no candidate always starts right after the same neighbour.
    for (const id of STARTS.map((_, i) => STARTS[(i + rep) % STARTS.length] as string)) {
      if (reasons.has(id)) continue;
      try {
        const sample = await startOnce(server(id), env, READY_PATH[id]);
        starts.get(id)!.push(sample);
        console.log(
          `  ${id}: ${sample.startMs.toFixed(0)} ms to first 200` +
            (sample.readyMs === undefined ? '' : `, ${sample.readyMs.toFixed(0)} ms to ready`),
        );
      } catch (error) {
        console.error(`  ${id} failed: ${(error as Error).message}`);
        reasons.set(id, 'failed to start');
      }
    }
  }
  for (let rep = 0; rep < settings.rssReps; rep++) {
    let resident: Map<string, number>;
    try {
      resident = await residentSizes(
        RESIDENTS.filter((id) => !reasons.has(id)).map(server),
        env,
        settings.idleMs,
      );
    } catch (error) {
      console.error(`  RSS round failed: ${(error as Error).message}`);
      continue;
    }
    for (const [id, kib] of resident) rss.get(id)!.push((kib * 1024) / MB);
    console.log(
      `  RSS after ${settings.idleMs} ms: ${[...resident].map(([id, kib]) => `${id} ${fmt((kib * 1024) / MB, 1)}`).join(', ')} MB`,
    );
  }

  const startOf = (id: string) => starts.get(id)!.map((s) => s.startMs);
  const readyOf = (id: string) => starts.get(id)!.map((s) => s.readyMs ?? Number.NaN);
  const cpuOf = (id: string) => starts.get(id)!.map((s) => s.cpuMs);
  const rssOf = (id: string) => rss.get(id)!;
  const differenceOf = (a: readonly number[], b: readonly number[]) =>
    spread(a.map((v, i) => v - (b[i] ?? Number.NaN)));

  const targets: TargetRow[] = [];
  const target = (
    id: string,
    goal: string,
    needs: readonly string[],
    measure: () => { figure: string; met: boolean },
  ) => {
    const reason = needs.map((n) => reasons.get(n)).find((r) => r !== undefined);
    targets.push(
      reason
        ? { id, issue: 11, goal, figure: unavailable(reason), met: undefined }
        : { id, issue: 11, goal, ...measure() },
    );
  };
  target(
    'sidecar-livez',
    'Sidecar spawn → first `/livez` 200 ≤ 1.3× bare node:http',
    ['sidecar', 'node'],
    () => {
      const r = ratioOf(startOf('sidecar'), startOf('node'));
      return { figure: `×${fmtSpread(r, 2)}`, met: r.median <= 1.3 };
    },
  );
  target(
    'sidecar-readyz',
    'Sidecar spawn → first `/readyz` 200, every check passed at its first run ≤ bare node:http + 60 ms',
    ['sidecar', 'node'],
    () => {
      const d = differenceOf(readyOf('sidecar'), startOf('node'));
      return { figure: `${fmtSigned(d)} ms`, met: d.median <= 60 };
    },
  );
  target(
    'sidecar-rss',
    `Sidecar RSS ${settings.idleMs / 1000} s after start (10 checks) ≤ 1.15× bare node:http`,
    ['sidecar', 'node'],
    () => {
      const r = ratioOf(rssOf('sidecar'), rssOf('node'));
      return { figure: `×${fmtSpread(r, 2)}`, met: r.median <= 1.15 };
    },
  );
  target('sdk-rss', 'SDK on node:http, 3 checks, no metrics: adds ≤ 3 MB RSS', ['app-sdk-3', 'node'], () => {
    const d = differenceOf(rssOf('app-sdk-3'), rssOf('node'));
    return { figure: `${fmtSigned(d, 1)} MB`, met: d.median <= 3 };
  });
  target(
    'sdk-start',
    'SDK on node:http, 3 checks, no metrics: adds ≤ 15 ms cold start',
    ['app-sdk-3', 'node'],
    () => {
      const d = differenceOf(startOf('app-sdk-3'), startOf('node'));
      return { figure: `${fmtSigned(d)} ms`, met: d.median <= 15 };
    },
  );

  const perCheck = (n: number): Spread => {
    const a = rssOf(`sidecar-${n}`);
    const b = rssOf('sidecar');
    return spread(a.map((v, i) => (v - (b[i] ?? Number.NaN)) / (n - 10)));
  };
  // Quoted by ANALYSIS.md: `start-<id>`, `cpu-<id>`, `rss-<id>`, `ready-sidecar`, `sdk-add-<id>`, `per-check-<n>`.
  const figures: Record<string, string> = {};
  const startRows = STARTS.map((id) => {
    const s = server(id);
    const reason = reasons.get(id);
    if (reason) return [s.label, unavailable(reason), '', '', '', '', ''];
    const ready = READY_PATH[id];
    figures[`start-${id}`] = `${fmtSpread(spread(startOf(id)))} ms`;
    figures[`cpu-${id}`] = `${fmtSpread(spread(cpuOf(id)))} ms`;
    figures[`rss-${id}`] = `${fmtSpread(spread(rssOf(id)), 1)} MB`;
    if (ready) figures[`ready-${id}`] = `${fmtSpread(spread(readyOf(id)))} ms`;
    return [
      `${s.label} (\`${s.startedPath}\`)`,
      fmtSpread(spread(startOf(id))),
      ready ? `${fmtSpread(spread(readyOf(id)))} (\`${ready}\`)` : '',
      fmtSpread(spread(cpuOf(id))),
      `×${fmtSpread(ratioOf(startOf(id), startOf('node')), 2)}`,
      `${fmtSpread(spread(rssOf(id)), 1)}`,
      `×${fmtSpread(ratioOf(rssOf(id), rssOf('node')), 2)}`,
    ];
  });
  const sdkRows = ['app-sdk-3', 'app-sdk-3-metrics'].map((id) => {
    const reason = reasons.get(id);
    if (reason) return [server(id).label, unavailable(reason), ''];
    const start = `${fmtSigned(differenceOf(startOf(id), startOf('node')))}`;
    const memory = `${fmtSigned(differenceOf(rssOf(id), rssOf('node')), 1)}`;
    figures[`sdk-add-${id}`] = `${start} ms, ${memory} MB`;
    return [server(id).label, start, memory];
  });
  const growthRows = [100, 1000].map((n) => {
    const id = `sidecar-${n}`;
    if (reasons.has(id)) return [fmt(n), unavailable(reasons.get(id) ?? ''), ''];
    figures[`per-check-${n}`] = `${fmtSpread(perCheck(n), 3)} MB`;
    return [fmt(n), fmtSpread(spread(rssOf(id)), 1), fmtSpread(perCheck(n), 4)];
  });
  const body = [
    `Cold start: ${settings.coldStartReps} start(s) of each, one at a time on the server core, in rotating order; time from spawn ` +
      'to the first 200 on the path shown, polled every 2 ms from the other core over new connections. The sidecar reads a ' +
      'YAML config as users write it (block style, 10 checks: 4 `tcpSocket`, 3 `httpGet`, 3 `exec` of `test -d /`, ' +
      '`periodSeconds: 5`); its `/livez` has no checks and answers as soon as the server serves, its first `/readyz` 200 ' +
      'means every check passed its first run. The SDK app is the bare node:http app plus the SDK’s `createHandler` with 3 ' +
      'checks (a `tcpSocket`, an `httpGet`, a function), timed to the app’s own first `/ok` 200. Ratios and differences pair ' +
      `the starts of one round. RSS: ${settings.rssReps} round(s) in which every server is started, then left idle side by side ` +
      `and read from /proc ${settings.idleMs / 1000} s after its own spawn; MB are 10⁶ bytes.`,
    '',
    table(
      [
        'server',
        'spawn → first 200, ms',
        'spawn → ready, ms',
        'CPU ms until the first 200',
        'start × node:http',
        `RSS at ${settings.idleMs / 1000} s, MB`,
        'RSS × node:http',
      ],
      startRows,
    ),
    '',
    '**What the SDK adds to a node:http app** (paired with the bare app of the same round)',
    '',
    table(['app', 'cold start, ms', 'RSS, MB'], sdkRows),
    '',
    '**Sidecar memory per check** (same mix and period; growth over the 10-check sidecar of the same round)',
    '',
    table(['checks', `RSS at ${settings.idleMs / 1000} s, MB`, 'MB per check'], growthRows),
  ].join('\n');
  return { title: 'Per-pod footprint: cold start and RSS', body, targets, figures };
}
