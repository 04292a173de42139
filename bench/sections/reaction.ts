// Section 5: reaction time, from a dependency going down (refusing, or hanging) to /readyz answering 503,
// against the kubelet's bound periodSeconds × failureThreshold (+ timeoutSeconds when runs time out).
import { join } from 'node:path';
import { type Environment, ROOT, type Server, SIDECAR_CLI, server } from '../candidates.js';
import { writeSidecarConfig } from '../lib/config.js';
import { until } from '../lib/http.js';
import { isRunning, launch } from '../lib/launch.js';
import { LOAD_CPU, sleep, spawnPinned } from '../lib/proc.js';
import { type SectionResult, type TargetRow, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmtSpread, spread } from '../lib/stats.js';

const FAILURE_THRESHOLD = 3;
const POLL_MS = 5;
const FLOOR_SLACK_MS = 20;

type Scenario = { readonly id: 'down' | 'hang'; readonly kind: 'tcp' | 'http'; readonly label: string };
const SCENARIOS: readonly Scenario[] = [
  { id: 'down', kind: 'tcp', label: 'TCP check, target stops listening (refused)' },
  { id: 'hang', kind: 'http', label: 'HTTP check, target accepts but never answers (timeouts)' },
];

interface Timing {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
}

/** The two probekit servers: the sidecar, and the core engine behind node:http (what every SDK adapter does). */
function candidates(kind: Scenario['kind'], timing: Timing): Server[] {
  const common = { group: 'probekit' as const, startedPath: '/livez' };
  return [
    {
      ...common,
      id: 'sidecar',
      label: 'sidecar',
      missing: () => server('sidecar').missing(),
      command: (port, env) => ({
        file: env.node,
        args: [
          SIDECAR_CLI,
          'serve',
          '--config',
          writeSidecarConfig(env.dir, `reaction-${kind}`, {
            checks: { [kind]: 1 },
            targetPort: env.targetPort,
            failureThreshold: FAILURE_THRESHOLD,
            ...timing,
          }),
          '--port',
          String(port),
        ],
      }),
    },
    {
      ...common,
      id: 'core',
      label: 'core Engine + node:http',
      missing: async () => undefined,
      command: (port, env) => ({
        file: env.node,
        args: [
          join(ROOT, 'bench/servers/core-readyz.mjs'),
          ...[port, kind, env.targetPort, timing.periodSeconds, FAILURE_THRESHOLD, timing.timeoutSeconds].map(
            String,
          ),
        ],
      }),
    },
  ];
}

/**
 * Whether every reaction time (ms) lies in its window: no sooner than `floor` (less FLOOR_SLACK_MS: polling and the
 * target's acknowledgement, read just after the switch, blur it a little) and no later than 1.1 × `bound`.
 */
export function withinWindow(reactions: readonly number[], floor: number, bound: number): boolean {
  return reactions.length > 0 && reactions.every((ms) => ms >= floor - FLOOR_SLACK_MS && ms <= bound * 1.1);
}

export async function reaction(settings: Settings, env: Environment): Promise<SectionResult> {
  const timing: Timing = {
    periodSeconds: settings.reactionPeriodSeconds,
    timeoutSeconds: settings.reactionPeriodSeconds / 2,
  };
  // A target of its own: this section switches it off and on.
  const target = spawnPinned(LOAD_CPU, process.execPath, [join(ROOT, 'bench/servers/target.mjs')]);
  const targetPort = await target.line((l) => (l.startsWith('listening ') ? Number(l.slice(10)) : undefined));
  const own: Environment = { ...env, targetPort };
  const switchTo = async (mode: 'up' | 'down' | 'hang') => {
    const acknowledged = target.line((l) => (l === `mode ${mode}` ? performance.now() : undefined));
    target.child.stdin?.write(`${mode}\n`);
    return acknowledged;
  };

  const rows: string[][] = [];
  const targets: TargetRow[] = [];
  for (const scenario of SCENARIOS) {
    const bound =
      1000 *
      (timing.periodSeconds * FAILURE_THRESHOLD + (scenario.id === 'hang' ? timing.timeoutSeconds : 0));
    // The other side: failureThreshold failures cannot come quicker than (failureThreshold − 1) periods apart, and a
    // hanging run fails only at its timeout. An engine that answered 503 after the first failure reacts below this.
    const floor =
      1000 *
      (timing.periodSeconds * (FAILURE_THRESHOLD - 1) + (scenario.id === 'hang' ? timing.timeoutSeconds : 0));
    const goal = (who: string) =>
      `${who} reaction (${scenario.id}) within its window: ≥ (failureThreshold − 1) × period` +
      `${scenario.id === 'hang' ? ' + timeout' : ''} and ≤ 1.1× period × failureThreshold${scenario.id === 'hang' ? ' + timeout' : ''}`;
    const id = (who: string) => `reaction-${who}-${scenario.id}`;
    for (const candidate of candidates(scenario.kind, timing)) {
      const running = await launch(candidate, own, [{ path: '/readyz' }]);
      if (!isRunning(running)) {
        rows.push([scenario.label, candidate.label, unavailable(running.reason), '', '', '']);
        const who = candidate.id === 'sidecar' ? 'Sidecar' : 'Core engine';
        targets.push({
          id: id(candidate.id),
          goal: goal(who),
          figure: unavailable(running.reason),
          met: undefined,
        });
        continue;
      }
      const reactions: number[] = [];
      const recoveries: number[] = [];
      for (let rep = 0; rep < settings.reactionReps; rep++) {
        // A random phase against the check's schedule, as a real outage has.
        await sleep(Math.random() * timing.periodSeconds * 1000);
        const downAt = await switchTo(scenario.id);
        const failedAt = await until(running.url('/readyz'), 503, {
          intervalMs: POLL_MS,
          timeoutMs: bound * 3,
        });
        reactions.push(failedAt - downAt);
        const upAt = await switchTo('up');
        const recoveredAt = await until(running.url('/readyz'), 200, {
          intervalMs: POLL_MS,
          timeoutMs: bound * 3,
        });
        recoveries.push(recoveredAt - upAt);
        console.log(
          `  ${scenario.id} ${candidate.id}: 503 after ${(failedAt - downAt).toFixed(0)} ms, 200 again after ${(recoveredAt - upAt).toFixed(0)} ms`,
        );
      }
      await running.process.kill();
      const r = spread(reactions);
      rows.push([
        scenario.label,
        candidate.label,
        fmtSpread(r),
        `${Math.round(floor)}–${Math.round(bound)}`,
        `×${(r.min / floor).toFixed(2)} / ×${(r.max / bound).toFixed(2)}`,
        fmtSpread(spread(recoveries)),
      ]);
      targets.push({
        id: id(candidate.id),
        goal: goal(candidate.id === 'sidecar' ? 'Sidecar' : 'Core engine'),
        figure: `${Math.round(r.min)}–${Math.round(r.max)} ms in ${Math.round(floor)}–${Math.round(bound)} ms`,
        met: withinWindow(reactions, floor, bound),
      });
    }
  }
  target.child.stdin?.end();
  await target.kill();
  const body = [
    `One check, \`periodSeconds: ${timing.periodSeconds}\`, \`failureThreshold: ${FAILURE_THRESHOLD}\`, ` +
      `\`timeoutSeconds: ${timing.timeoutSeconds}\`; ${settings.reactionReps} outage(s) each, started at a random phase. ` +
      `The time runs from the target acknowledging the switch to the first 503 from \`/readyz\`, polled every ${POLL_MS} ms. ` +
      'Expected window: the first failing run comes at most one period after the outage, the last of the threshold ' +
      `${FAILURE_THRESHOLD - 1} periods later, plus the timeout when runs hang; so no sooner than ${FAILURE_THRESHOLD - 1} periods ` +
      `(${FLOOR_SLACK_MS} ms of slack for polling), and no later than ${FAILURE_THRESHOLD} (10% slack). Recovery: from the target answering again to the first 200 ` +
      '(successThreshold 1: at most one period).',
    '',
    table(
      [
        'outage',
        'server',
        'to 503, ms',
        'expected, ms',
        'quickest ÷ floor / slowest ÷ bound',
        'back to 200, ms',
      ],
      rows,
    ),
  ].join('\n');
  return { title: 'Reaction time', body, targets };
}
