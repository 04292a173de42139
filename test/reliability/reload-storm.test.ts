// biome-ignore-all lint/suspicious/noTemplateCurlyInString: some broken files hold ${VAR} references on purpose
// 100 reloads in a row, valid and broken files alternating, while the sidecar is under load: no request fails,
// a refused file leaves the running config exactly as it was, checks that did not change keep their state
// (their success streak and their run counters only ever grow), and the last valid file is what runs in the end.
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpTarget, type LogLine, startServe, tcpTarget, tempDir } from '../sidecar/helpers.js';
import { parseHealthJson } from './support/answers.js';
import { get } from './support/get.js';

const BROKEN = [
  'checks:\n  - { name: stable-tcp, tcpSocket: { port: 1 }, perodSeconds: 1 }\n',
  'checks:\n  - { name: a, httpGet: { port: 70000 } }\n',
  'checks:\n  - name: a\n    tcpSocket: { port: 1\n',
  'checks:\n  - { name: a, tcpSocket: { port: 1 } }\n  - { name: a, tcpSocket: { port: 2 } }\n',
  'a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n',
  'checks: {}\n',
  '\u0000\u0001\u00ff garbage \u0007',
  'checks:\n  - { name: a, tcpSocket: { port: "${PROBEKIT_NOT_SET_ANYWHERE}" } }\n',
  'checks:\n  - { name: a, tcpSocket: { port: 1 }, exec: { command: ["true"] } }\n',
  'server: { port: 1, detailsToken: short }\n',
];

const REFUSED = 'config reload refused; the running config stays';

it('100 reloads under load, valid and broken alternating: nothing dropped, state kept, final config right', async (t) => {
  const temp = tempDir();
  const db = await tcpTarget();
  const web = await httpTarget();
  t.after(async () => {
    await db.close();
    await web.close();
    temp.remove();
  });
  const stable = [
    `  - { name: stable-tcp, tcpSocket: { port: ${db.port} }, periodSeconds: 0.05 }`,
    `  - { name: stable-http, httpGet: { port: ${web.port} }, periodSeconds: 0.05 }`,
  ];
  // Each valid file keeps the stable checks and swaps the rest: one of five extras, and a changing period.
  const valid = (round: number) => {
    const extras = [`  - { name: extra-${round % 5}, exec: { command: ["true"] }, periodSeconds: 0.2 }`];
    extras.push(
      `  - { name: churn, tcpSocket: { port: ${db.port} }, periodSeconds: ${0.1 + (round % 3) / 10} }`,
    );
    return {
      text: `checks:\n${[...stable, ...extras].join('\n')}\n`,
      names: ['stable-tcp', 'stable-http', `extra-${round % 5}`, 'churn'],
    };
  };
  const file = join(temp.dir, 'probekit.yaml');
  // Written as a ConfigMap update lands: a new file renamed over the old, so no reader sees half of it.
  const write = (text: string) => {
    writeFileSync(`${file}.next`, text);
    renameSync(`${file}.next`, file);
  };
  const first = valid(0);
  write(first.text);
  const sidecar = await startServe(['--config', file]);
  t.after(() => sidecar.kill());

  const agent = new Agent({ keepAlive: true, maxSockets: 6 });
  t.after(() => agent.destroy());
  const failures: string[] = [];
  let served = 0;
  let storming = true;
  const runCounts = new Map<string, number[]>();
  // Per worker and check: one worker's requests are sequential, so its observations are in order.
  const streaks = new Map<string, number[]>();
  const worker = async (path: string, id: number) => {
    while (storming) {
      try {
        const reply = await get(`${sidecar.url}${path}`, agent);
        served++;
        if (path === '/metrics') {
          if (reply.status !== 200) failures.push(`${path}: ${reply.status}`);
          // The run counters of the unchanged checks, summed over results: never reset by a reload.
          for (const name of ['stable-tcp', 'stable-http']) {
            const pattern = new RegExp(
              `^probekit_check_runs_total\\{check="${name}",result="[a-z]+"\\} (\\d+)$`,
              'gm',
            );
            const runs = [...reply.body.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
            runCounts.set(name, [...(runCounts.get(name) ?? []), runs]);
          }
          continue;
        }
        if (!reply.ours || (reply.status !== 200 && reply.status !== 503))
          failures.push(`${path}: ${reply.status} ${reply.body.slice(0, 200)}`);
        if (path.includes('json')) {
          const checks = parseHealthJson(reply.status, reply.body);
          for (const name of ['stable-tcp', 'stable-http']) {
            const check = checks.get(name);
            if (!check) failures.push(`${name} missing from an answer`);
            else {
              const key = `${name} (worker ${id})`;
              streaks.set(key, [...(streaks.get(key) ?? []), check.consecutiveSuccesses]);
            }
          }
        }
      } catch (error) {
        failures.push(`${path}: ${(error as Error).message}`);
      }
    }
  };
  const workers = ['/readyz', '/livez', '/healthz?format=json', '/healthz?format=json', '/metrics'].map(
    worker,
  );
  while (!streaks.get('stable-tcp (worker 2)')?.some((streak) => streak > 0)) await sleep(20);

  const count = (predicate: (line: LogLine) => boolean) => sidecar.logs.filter(predicate).length;
  const hup = (line: LogLine) => line['trigger'] === 'SIGHUP';
  const reloaded = (line: LogLine) => hup(line) && line.msg === 'config reloaded';
  const refused = (line: LogLine) => hup(line) && line.msg === REFUSED;
  let running = first;
  for (let round = 1; round <= 100; round++) {
    const broken = round % 2 === 0;
    const next = broken ? undefined : valid(round);
    write(next?.text ?? BROKEN[(round / 2) % BROKEN.length]!);
    const before = count((line) => reloaded(line) || refused(line));
    sidecar.child.kill('SIGHUP');
    await sidecar.waitForLog(() => count((line) => reloaded(line) || refused(line)) > before);
    const outcome = sidecar.logs.filter((line) => reloaded(line) || refused(line)).at(-1)!;
    assert.equal(
      outcome.msg,
      broken ? REFUSED : 'config reloaded',
      `round ${round}: ${JSON.stringify(outcome)}`,
    );
    if (!broken) {
      assert.ok(
        (outcome['kept'] as string[]).includes('stable-tcp'),
        `round ${round}: ${JSON.stringify(outcome)}`,
      );
      assert.ok((outcome['kept'] as string[]).includes('stable-http'));
      running = next!;
    }
    // What runs is the last valid file, whatever came after it.
    const reply = await get(`${sidecar.url}/healthz?format=json`, agent);
    assert.deepEqual(
      [...parseHealthJson(reply.status, reply.body).keys()].sort(),
      [...running.names].sort(),
      `round ${round}`,
    );
  }
  // A storm quicker than a few periods would prove nothing about the checks running through it: give them 2 s at most.
  const grown = () => [...streaks.values()].every((list) => list.length > 0 && list.at(-1)! >= list[0]! + 5);
  for (const deadline = Date.now() + 2000; !grown() && Date.now() < deadline; ) await sleep(20);
  storming = false;
  await Promise.all(workers);

  assert.equal(count(reloaded), 50);
  assert.equal(count(refused), 50);
  assert.deepEqual(failures, []);
  assert.ok(served > 1000, `${served} requests during the storm`);
  // Never replaced, so never reset: each stable check's streak of successes only grew.
  for (const [name, list] of streaks) {
    const drops = list.filter((streak, i) => i > 0 && streak < list[i - 1]!);
    assert.deepEqual(drops, [], `${name}'s streak went back: ${list.join(',')}`);
    // Kept running through the storm: several more runs at its 50 ms period, however quick the storm was.
    assert.ok(list.at(-1)! >= list[0]! + 5, `${name} ran through the storm: ${list[0]} → ${list.at(-1)}`);
  }
  for (const [name, list] of runCounts) {
    const drops = list.filter((runs, i) => i > 0 && runs < list[i - 1]!);
    assert.deepEqual(drops, [], `${name}'s run counter went back: ${list.join(',')}`);
    assert.ok(list.at(-1)! > list[0]!, `${name}'s run counter grew through the storm`);
  }
  // Checks removed by a reload leave no metric behind.
  const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
  const named = new Set([...metrics.matchAll(/check="([^"]+)"/g)].map((match) => match[1]));
  assert.deepEqual([...named].sort(), [...running.names].sort());
  t.diagnostic(`${served} requests served during 100 reloads`);
});
