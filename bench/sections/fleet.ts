// Fleet-aware readiness with 20 sidecars on loopback: time to the decision through a shared outage and a
// single-member fault, /fleetz requests per second across the fleet, and the CPU a member spends (fleet on
// against the same members without `fleet:`). Each member reaches the shared target through its own fault
// proxy, and is listed among the peers through a counting proxy, so the harness sees every /fleetz request.
import net from 'node:net';
import { join } from 'node:path';
import {
  type FaultProxy,
  faultProxy,
  freePorts,
  writeMemberConfig,
} from '../../test/sidecar/fleet-members.js';
import { type Environment, ROOT, SIDECAR_CLI } from '../candidates.js';
import { get, until } from '../lib/http.js';
import { cpuTimes, LOAD_CPU, SERVER_CPU, type Spawned, sleep, spawnPinned } from '../lib/proc.js';
import { type SectionResult, type TargetRow, table } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmt, fmtSpread, spread } from '../lib/stats.js';

const FAILURE_THRESHOLD = 2;
const SAMPLE = 16;
const POLL_MS = 50;

interface Member {
  readonly index: number;
  readonly port: number;
  readonly fault: FaultProxy;
  process: Spawned;
}

/** A TCP proxy on 127.0.0.1 that counts the connections it forwards to `port`. */
async function countingProxy(port: number): Promise<{ port: number; count(): number; close(): void }> {
  let count = 0;
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect(port, '127.0.0.1');
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => count,
    close: () => server.close(),
  };
}

export async function fleet(settings: Settings, env: Environment): Promise<SectionResult> {
  // Twenty members share one core: rounds of 1-2 s keep each peer's timeout (min(1 s, refresh / 2)) above the
  // scheduling delay of a busy core, as the contract's defaults (5 s) do in a real pod.
  const period = settings.quick ? 0.5 : 1;
  const refresh = settings.quick ? 1 : 2;
  const windowMs = settings.quick ? 3000 : 10_000;
  // The smoke run starts 6: CI's two-minute budget, and the code path is the same.
  const memberCount = settings.quick ? 6 : 20;
  const boundMs = (period * FAILURE_THRESHOLD + 2 * refresh) * 1000;
  const target = spawnPinned(LOAD_CPU, process.execPath, [join(ROOT, 'bench/servers/target.mjs')]);
  const targetPort = await target.line((l) => (l.startsWith('listening ') ? Number(l.slice(10)) : undefined));
  const switchTo = async (mode: 'up' | 'down') => {
    const acknowledged = target.line((l) => (l === `mode ${mode}` ? performance.now() : undefined));
    target.child.stdin?.write(`${mode}\n`);
    return acknowledged;
  };
  const ports = await freePorts(memberCount);
  const counters = await Promise.all(ports.map(countingProxy));
  const faults = await Promise.all(ports.map(() => faultProxy(targetPort)));
  const peers = counters.map((counter) => `127.0.0.1:${counter.port}`);
  const url = (member: Member, path: string) => `http://127.0.0.1:${member.port}${path}`;

  const start = async (withFleet: boolean): Promise<Member[]> => {
    const members = ports.map((port, index) => {
      const file = writeMemberConfig(env.dir, {
        member: `member-${index}`,
        port,
        peers: { static: peers },
        targetPort: (faults[index] as FaultProxy).port,
        periodSeconds: period,
        failureThreshold: FAILURE_THRESHOLD,
        refreshSeconds: refresh,
        fleet: withFleet,
      });
      const spawned = spawnPinned(SERVER_CPU, env.node, [SIDECAR_CLI, 'serve', '--config', file], {
        env: { ...process.env, NODE_ENV: 'production' },
      });
      return { index, port, fault: faults[index] as FaultProxy, process: spawned };
    });
    for (const member of members)
      await until(url(member, '/readyz'), 200, { timeoutMs: 30_000, intervalMs: 50 });
    return members;
  };
  const stop = (members: readonly Member[]) => Promise.all(members.map((member) => member.process.kill()));

  /** CPU ms per second of each member over the window, and /fleetz requests per second across the fleet. */
  const steady = async (members: readonly Member[]) => {
    await sleep(Math.min(windowMs, 2 * refresh * 1000));
    for (const member of members)
      if (member.process.child.exitCode !== null)
        throw new Error(`member-${member.index} exited:\n${member.process.output()}`);
    const before = members.map((member) => cpuTimes(member.process.pid).self);
    const requestsBefore = counters.reduce((sum, counter) => sum + counter.count(), 0);
    const begin = performance.now();
    await sleep(windowMs);
    const seconds = (performance.now() - begin) / 1000;
    const cpu = members.map(
      (member, i) => (cpuTimes(member.process.pid).self - (before[i] as number)) / seconds,
    );
    const requests = (counters.reduce((sum, counter) => sum + counter.count(), 0) - requestsBefore) / seconds;
    return { cpu: spread(cpu), requests };
  };

  /** Polls every member's verbose /readyz until each satisfies `done`: the time each took, any 503 from those meant to stay. */
  const decide = async (
    members: readonly Member[],
    since: number,
    done: (member: Member, status: number, body: string) => boolean,
    stays: (member: Member) => boolean,
  ) => {
    // By member: the others in the single-member fault only watch, and their time is no decision.
    const times = new Map<Member, number>();
    let leaves = 0;
    let unanswered = 0;
    await Promise.all(
      members.map(async (member) => {
        const deadline = since + boundMs * 4;
        for (;;) {
          const answer = await get(url(member, '/readyz?verbose'), { timeoutMs: 1000 });
          // 503 is leaving; no answer within a second (a starved core) is not, and is counted apart.
          if (answer.status === 0) unanswered++;
          else if (answer.status !== 200 && stays(member) && leaves++ === 0)
            console.log(`  member-${member.index} answered ${answer.status}: ${answer.body.split('\n')[0]}`);
          if (done(member, answer.status, answer.body))
            return void times.set(member, performance.now() - since);
          if (performance.now() > deadline) return void times.set(member, Number.NaN);
          await sleep(POLL_MS);
        }
      }),
    );
    const all = [...times.values()];
    return {
      times: spread(all),
      of: (member: Member) => times.get(member) ?? Number.NaN,
      decided: all.filter(Number.isFinite).length,
      leaves,
      unanswered,
    };
  };

  const plain = await start(false);
  const alone = await steady(plain);
  await stop(plain);
  const members = await start(true);
  const withFleet = await steady(members);

  console.log('  shared outage: the target down for every member');
  const downAt = await switchTo('down');
  const outage = await decide(
    members,
    downAt,
    (_m, status, body) => status === 200 && body.includes('shared outage'),
    () => true,
  );
  const upAt = await switchTo('up');
  const back = await decide(
    members,
    upAt,
    (_m, status, body) => status === 200 && body.includes('[+]api ok'),
    () => true,
  );

  // The outage ends two rounds after the recovery: a fault before then would still find it going on.
  await sleep(3 * refresh * 1000);
  console.log('  single-member fault: member-0 alone loses the target');
  const odd = members[0] as Member;
  const cutAt = performance.now();
  odd.fault.cut();
  const fault = await decide(
    members,
    cutAt,
    (member, status) => (member === odd ? status === 503 : performance.now() - cutAt > boundMs * 1.5),
    (member) => member !== odd,
  );
  odd.fault.restore();
  await stop(members);
  for (const counter of counters) counter.close();
  await Promise.all(faults.map((proxy) => proxy.close()));
  target.child.stdin?.end();
  await target.kill();

  const expected = (memberCount * Math.min(SAMPLE, memberCount - 1)) / refresh;
  const decidedIn = (s: ReturnType<typeof spread>) => `${fmtSpread(s)} ms`;
  const rows = [
    [
      'shared outage (target down for all 20)',
      decidedIn(outage.times),
      `${outage.decided} of ${memberCount} kept ready`,
      `${outage.leaves} (${outage.unanswered} polls unanswered)`,
    ],
    [
      'recovery (target back)',
      decidedIn(back.times),
      `${back.decided} of ${memberCount} ok`,
      `${back.leaves} (${back.unanswered} polls unanswered)`,
    ],
    [
      'single-member fault (member-0 cut)',
      decidedIn(spread([fault.of(odd)])),
      'member-0 answers 503',
      `${fault.leaves} (${fault.unanswered} polls unanswered)`,
    ],
  ];
  const targets: TargetRow[] = [
    {
      id: 'fleet-shared-outage',
      issue: 13,
      goal: `every member stays ready through a shared outage, each within period × failureThreshold + 2 × refreshSeconds (${boundMs} ms)`,
      figure: `${outage.decided}/${memberCount} within ${fmt(outage.times.max)} ms, ${outage.leaves} answers of 503`,
      met: outage.decided === memberCount && outage.leaves === 0 && outage.times.max <= boundMs * 1.25,
    },
    {
      id: 'fleet-single-fault',
      issue: 13,
      goal: `a single member that loses a shared target alone leaves, within the same bound (${boundMs} ms); no other member does`,
      figure: `member-0 503 after ${fmt(fault.of(odd))} ms, ${fault.leaves} answers of 503 from the others`,
      met: fault.of(odd) <= boundMs * 1.25 && fault.leaves === 0,
    },
  ];
  const body = [
    `${memberCount} sidecars on loopback, one shared httpGet check (\`scope: shared\`, \`periodSeconds: ${period}\`, ` +
      `\`failureThreshold: ${FAILURE_THRESHOLD}\`), \`fleet\` with static peers, \`refreshSeconds: ${refresh}\`, ` +
      `\`sample: ${SAMPLE}\`, the default \`outagePercent: 50\`. Each member reaches the target through a fault proxy of its own; ` +
      `the decision is the first verbose \`/readyz\` (polled every ${POLL_MS} ms) that shows it, from the target acknowledging the switch. ` +
      `The contract's bound: period × failureThreshold + 2 × refreshSeconds = ${boundMs} ms.`,
    '',
    table(
      ['scenario', 'time to the decision (median, min–max)', 'outcome', '503s from members meant to stay'],
      rows,
    ),
    '',
    table(
      ['', 'without fleet', 'with fleet'],
      [
        ['CPU per member, ms per s (median, min–max)', fmtSpread(alone.cpu, 1), fmtSpread(withFleet.cpu, 1)],
        [
          '/fleetz requests per second, fleet-wide',
          '0',
          `${fmt(withFleet.requests, 1)} (expected N × min(sample, N − 1) ÷ refreshSeconds = ${fmt(expected, 1)})`,
        ],
      ],
    ),
  ].join('\n');
  return { title: 'Fleet-aware readiness', body, targets };
}
