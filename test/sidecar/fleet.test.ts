// Fleet-aware readiness with real sidecars on loopback: a shared target behind one fault proxy per member.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDnsServer, type TestDnsServer } from '../../packages/core/test/fleet/dns-server.js';
import { type FaultProxy, faultProxy, freePorts, writeMemberConfig } from './fleet-members.js';
import { httpTarget, kubeProbe, type Running, startServe, tempDir, until } from './helpers.js';

const PERIOD = 0.2;
const FAILURE_THRESHOLD = 2;
const REFRESH = 0.5;
/** The contract's bound for a shared outage to be recognised, plus slack for a busy CI machine. */
const DECISION_MS = (PERIOD * FAILURE_THRESHOLD + 2 * REFRESH) * 1000 + 1500;

type Target = Awaited<ReturnType<typeof httpTarget>>;

interface Member {
  readonly id: string;
  readonly proxy: FaultProxy;
  readonly process: Running;
}

const readyz = (member: Member) => kubeProbe(`${member.process.url}/readyz?verbose`);

/** Polls every member's /readyz until stopped; returns each member's statuses in order. */
function watch(members: readonly Member[]): { stop(): Promise<Map<string, number[]>> } {
  const seen = new Map<string, number[]>(members.map((member) => [member.id, []]));
  let running = true;
  const loops = members.map(async (member) => {
    while (running) {
      const answer = await readyz(member).catch(() => ({ status: 0 }));
      seen.get(member.id)?.push(answer.status);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return seen;
    },
  };
}

async function metric(member: Member, line: string): Promise<boolean> {
  const page = await kubeProbe(`${member.process.url}/metrics`);
  return page.body.split('\n').includes(line);
}

async function startMembers(
  count: number,
  target: Target,
  dir: string,
  peers: (ports: number[]) => Record<string, unknown>,
  options: { outagePercent?: number; hosts?: string[]; port?: number } = {},
): Promise<Member[]> {
  const ports = options.port
    ? Array.from({ length: count }, () => options.port as number)
    : await freePorts(count);
  return Promise.all(
    ports.map(async (port, index) => {
      const id = `m${index}`;
      const proxy = await faultProxy(target.port);
      const host = options.hosts?.[index] ?? '127.0.0.1';
      const config = writeMemberConfig(dir, {
        member: id,
        host,
        port,
        peers: peers(ports),
        targetPort: proxy.port,
        periodSeconds: PERIOD,
        failureThreshold: FAILURE_THRESHOLD,
        refreshSeconds: REFRESH,
        ...(options.outagePercent !== undefined && { outagePercent: options.outagePercent }),
      });
      const process = await startServe(['--config', config, '--port', String(port), '--host', host]);
      return { id, proxy, process };
    }),
  );
}

async function allReady(members: readonly Member[]): Promise<void> {
  await until(
    async () => (await Promise.all(members.map(readyz))).every((answer) => answer.status === 200),
    10_000,
  );
}

describe('fleet: four sidecars with static peers', () => {
  let target: Target;
  let members: Member[];
  const temp = tempDir('probekit-fleet-');

  before(async () => {
    target = await httpTarget();
    // outagePercent 60: 2 of 4 failing is not an outage, 3 of 4 is (the flapping test sits on that edge).
    members = await startMembers(
      4,
      target,
      temp.dir,
      (ports) => ({ static: ports.map((p) => `127.0.0.1:${p}`) }),
      {
        outagePercent: 60,
      },
    );
    await allReady(members);
  });

  after(async () => {
    await Promise.all(members.map((member) => member.process.kill()));
    await Promise.all(members.map((member) => member.proxy.close()));
    await target.close();
    temp.remove();
  });

  it('/fleetz: the member, the version and the raw local state of shared checks, no reasons or targets', async () => {
    const [first] = members as [Member];
    const answer = await kubeProbe(`${first.process.url}/fleetz`);
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^application\/json/);
    const body = JSON.parse(answer.body);
    assert.deepEqual(Object.keys(body).sort(), ['checks', 'member', 'version']);
    assert.equal(body.member, 'm0');
    assert.deepEqual(body.checks, { api: 'pass' });
    assert.ok(!answer.body.includes(String(first.proxy.port)));
    await until(async () => metric(first, 'probekit_fleet_members{state="answering"} 4'), 5000);
  });

  it('a shared target down for everyone: every member stays 200, saying why, within the bound', async () => {
    const watching = watch(members);
    const downAt = Date.now();
    target.setStatus(503);
    try {
      await until(
        async () =>
          (await Promise.all(members.map(readyz))).every((answer) =>
            answer.body.includes('[~]api warn: shared outage: failing on 4 of 4 members; kept ready'),
          ),
        DECISION_MS,
      );
    } finally {
      const seen = await watching.stop();
      for (const [id, statuses] of seen) assert.deepEqual([...new Set(statuses)], [200], `${id} never left`);
    }
    assert.ok(Date.now() - downAt <= DECISION_MS);
    for (const member of members) {
      await member.process.waitForLog((line) => line.msg === 'fleet outage began' && line['check'] === 'api');
      assert.ok(await metric(member, 'probekit_check_fleet_outage{check="api"} 1'));
      const fleetz = JSON.parse((await kubeProbe(`${member.process.url}/fleetz`)).body);
      assert.deepEqual(fleetz.checks, { api: 'fail' }, 'raw local state, not the fleet-adjusted one');
    }
  });

  it('recovery: the shared target back, every member passes and the outage ends', async () => {
    target.setStatus(200);
    await until(
      async () =>
        (await Promise.all(members.map(readyz))).every((answer) => answer.body.includes('[+]api ok')),
      5000,
    );
    for (const member of members) {
      await member.process.waitForLog(
        (line) => line.msg === 'fleet outage ended' && line['check'] === 'api',
        5000,
      );
      await until(async () => metric(member, 'probekit_check_fleet_outage{check="api"} 0'), 5000);
    }
  });

  it('the target cut for one member only: that member alone answers 503', async () => {
    const [odd, ...others] = members as [Member, ...Member[]];
    const watching = watch(others);
    odd.proxy.cut();
    try {
      const failed = await until(async () => {
        const answer = await readyz(odd);
        return answer.status === 503 && answer;
      }, DECISION_MS);
      assert.match(
        failed.body,
        /\[-\]api failed: .*shared check failing on 1 of 4 members \(outagePercent 60\): not an outage/,
      );
    } finally {
      const seen = await watching.stop();
      for (const [id, statuses] of seen) assert.deepEqual([...new Set(statuses)], [200], `${id} stayed`);
    }
    odd.proxy.restore();
    await allReady(members);
  });

  it('a flapping member does not make the others oscillate', async () => {
    // m0 and m1 lose the target, m2 flaps, m3 keeps it: 2 of 4 failing is no outage, 3 of 4 is. A round
    // every 0.5 s sees m2 failing or not; the outage begun ends only after two rounds without it.
    const [m0, m1, m2] = members as [Member, Member, Member, Member];
    m2.proxy.cut();
    m0.proxy.cut();
    m1.proxy.cut();
    await until(
      async () =>
        (await Promise.all([m0, m1].map(readyz))).every((answer) => answer.body.includes('shared outage')),
      DECISION_MS,
    );
    const watching = watch([m0, m1]);
    let flapping = true;
    const flapper = (async () => {
      while (flapping) {
        m2.proxy.restore();
        await new Promise((resolve) => setTimeout(resolve, 400));
        m2.proxy.cut();
        await new Promise((resolve) => setTimeout(resolve, 600));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 6000));
    flapping = false;
    await flapper;
    const seen = await watching.stop();
    for (const [id, statuses] of seen) assert.deepEqual([...new Set(statuses)], [200], `${id} held steady`);
    for (const member of members) member.proxy.restore();
    await allReady(members);
  });

  it('other members gone: plain semantics, and the verbose line says so', async () => {
    const [last, ...others] = members as [Member, ...Member[]];
    await Promise.all(others.map((member) => member.process.kill()));
    target.setStatus(503);
    const failed = await until(async () => {
      const answer = await readyz(last);
      return answer.status === 503 && answer;
    }, DECISION_MS);
    assert.match(
      failed.body,
      /\[-\]api failed: .*shared check, 1 member answering \(minMembers 2\): plain semantics/,
    );
    await until(async () => metric(last, 'probekit_fleet_members{state="silent"} 3'), 5000);
    target.setStatus(200);
  });
});

describe('fleet: peers found through DNS', () => {
  let target: Target;
  let dns: TestDnsServer;
  let members: Member[] = [];
  const temp = tempDir('probekit-fleet-dns-');

  before(async () => {
    target = await httpTarget();
    dns = await startDnsServer();
  });

  after(async () => {
    await Promise.all(members.map((member) => member.process.kill()));
    await Promise.all(members.map((member) => member.proxy.close()));
    await target.close();
    await dns.close();
    temp.remove();
  });

  it('three members on one port of three loopback addresses find each other and share an outage', async () => {
    // DNS gives addresses, the port comes from config: one port on 127.0.0.1, .2 and .3 (all loopback).
    const hosts = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
    const [port] = await freePorts(1);
    dns.set('peers.fleet.test', { a: hosts, ttl: 1 });
    members = await startMembers(
      3,
      target,
      temp.dir,
      () => ({ dns: 'peers.fleet.test', resolver: dns.address }),
      { hosts, port: port as number },
    );
    await allReady(members);
    await until(
      async () => metric(members[0] as Member, 'probekit_fleet_members{state="answering"} 3'),
      5000,
    );
    assert.ok(
      dns.questions.includes('A peers.fleet.test') && dns.questions.includes('AAAA peers.fleet.test'),
    );
    target.setStatus(503);
    await until(
      async () =>
        (await Promise.all(members.map(readyz))).every(
          (answer) =>
            answer.status === 200 && answer.body.includes('shared outage: failing on 3 of 3 members'),
        ),
      DECISION_MS,
    );
  });
});
