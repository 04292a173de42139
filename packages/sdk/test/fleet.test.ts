// createHealth({ fleet }) with three real members on loopback (listen() on distinct ports, static peers): a
// shared check failing everywhere keeps every member ready, one failing alone leaves; /fleetz; options.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { listen } from '../src/adapters/node.js';
import { createHealth, type Health, type OutageChange } from '../src/index.js';
import { request } from './request.js';

interface Member {
  readonly health: Health;
  readonly server: Server;
  readonly logs: string[];
  readonly outages: OutageChange[];
  /** Whether the shared dependency answers this member. */
  up: boolean;
}

const members: Member[] = [];
after(async () => {
  for (const member of members) await member.health.stop();
  for (const member of members) member.server.close();
});

const port = (member: Member) => (member.server.address() as AddressInfo).port;
const readyz = (member: Member) => request(port(member), { path: '/readyz?verbose' });

async function until(condition: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createHealth({ fleet })', () => {
  it('three members: a shared failure keeps all ready; a member failing alone leaves', async () => {
    // Ports first: each member lists all three.
    const servers = await Promise.all(
      [0, 1, 2].map(async () => {
        const health = createHealth({ shutdown: false });
        return listen(health, { port: 0, host: '127.0.0.1' }).then(async (server) => {
          const { port: p } = server.address() as AddressInfo;
          await health.stop();
          await new Promise((resolve) => server.close(resolve));
          return p;
        });
      }),
    );
    const peers = servers.map((p) => `127.0.0.1:${p}`);
    for (const [index, p] of servers.entries()) {
      const logs: string[] = [];
      const outages: OutageChange[] = [];
      const member = { logs, outages, up: true } as Member;
      const health = createHealth({
        shutdown: false,
        checks: [
          {
            name: 'api',
            scope: 'shared',
            periodSeconds: 0.1,
            failureThreshold: 2,
            check: async () => {
              if (!member.up) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
            },
          },
        ],
        fleet: { member: `m${index}`, peers: { static: peers }, refreshSeconds: 0.3 },
        logger: {
          info: (_fields, message) => logs.push(message),
          warn: (_fields, message) => logs.push(message),
          error: (_fields, message) => logs.push(message),
        },
      });
      health.on('outage', (change) => outages.push(change));
      Object.assign(member, { health, server: await listen(health, { port: p, host: '127.0.0.1' }) });
      members.push(member);
    }
    await until(async () => (await Promise.all(members.map(readyz))).every((reply) => reply.status === 200));

    const fleetz = await request(port(members[0]!), { path: '/fleetz' });
    assert.deepEqual(JSON.parse(fleetz.body).checks, { api: 'pass' });
    assert.equal(JSON.parse(fleetz.body).member, 'm0');

    for (const member of members) member.up = false;
    await until(async () =>
      (await Promise.all(members.map(readyz))).every(
        (reply) =>
          reply.status === 200 &&
          reply.body.includes('[~]api warn: shared outage: failing on 3 of 3 members; kept ready'),
      ),
    );
    for (const member of members) {
      assert.ok(member.logs.includes('fleet outage began'));
      // It began at the first round that showed it: 2 of 3 failing is already at least 50 %.
      const began = member.outages.at(-1);
      assert.deepEqual([began?.check, began?.outage, began?.answering], ['api', true, 3]);
    }

    for (const member of members) member.up = true;
    const [odd] = members as [Member];
    odd.up = false;
    await until(async () => (await readyz(odd)).status === 503);
    assert.match(
      (await readyz(odd)).body,
      /\[-\]api failed: connect ECONNREFUSED 127\.0\.0\.1:1; shared check failing on 1 of 3 members/,
    );
    for (const member of members.slice(1)) assert.equal((await readyz(member)).status, 200);
  });

  it('without a fleet, /fleetz is not probekit’s, and a shared check has plain semantics', async () => {
    const health = createHealth({ shutdown: false });
    const server = await listen(health, { port: 0, host: '127.0.0.1' });
    try {
      assert.equal((await request((server.address() as AddressInfo).port, { path: '/fleetz' })).status, 404);
      assert.equal(health.fleetz('GET'), undefined);
    } finally {
      await health.stop();
      server.close();
    }
  });

  it('refuses a bad fleet with its path; DNS peers need a port', () => {
    assert.throws(() => createHealth({ fleet: { peers: { static: ['x'] } } }), {
      code: 'PROBEKIT_INVALID_FLEET',
      path: 'fleet.peers.static[0]',
    });
    assert.throws(() => createHealth({ fleet: { peers: { dns: 'peers.example' } } }), {
      code: 'PROBEKIT_INVALID_FLEET',
      path: 'fleet.peers.port',
    });
    assert.throws(
      () =>
        createHealth({
          checks: [{ name: 'db', check: async () => {}, scope: 'shared', probes: ['liveness'] }],
        }),
      { code: 'PROBEKIT_INVALID_CHECK', path: 'checks[0].scope' },
    );
  });

  it('the member id defaults to $POD_NAME', () => {
    const before = process.env['POD_NAME'];
    process.env['POD_NAME'] = 'shop-7d9c-x2x4q';
    try {
      const health = createHealth({ shutdown: false, fleet: { peers: { static: [] } } });
      assert.equal(health.engine.fleet?.options.member, 'shop-7d9c-x2x4q');
    } finally {
      if (before === undefined) delete process.env['POD_NAME'];
      else process.env['POD_NAME'] = before;
    }
  });
});
