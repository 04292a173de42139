import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidFleetError } from '../../src/errors.js';
import { defaultMemberId } from '../../src/fleet/member.js';
import { FLEET_DEFAULTS, fleetTimeoutMs, resolveFleet } from '../../src/fleet/options.js';

const host = { member: 'pod-a', port: 8099 };

describe('resolveFleet', () => {
  it('fills the contract defaults and takes the member and the DNS port from the host', () => {
    const fleet = resolveFleet({ peers: { dns: 'probekit-peers.shop.svc.cluster.local.' } }, host);
    assert.deepEqual(fleet, {
      member: 'pod-a',
      peers: { kind: 'dns', name: 'probekit-peers.shop.svc.cluster.local', port: 8099, resolver: undefined },
      ...FLEET_DEFAULTS,
      timeoutMs: 1000,
    });
    assert.ok(Object.isFrozen(fleet));
    assert.deepEqual(FLEET_DEFAULTS, { refreshSeconds: 5, sample: 16, outagePercent: 50, minMembers: 2 });
  });

  it('keeps what is given', () => {
    const fleet = resolveFleet(
      {
        member: 'me',
        peers: { static: ['10.0.0.7:8099', '[::1]:9000', 'web-0.web:8099', '10.0.0.7:8099'] },
        refreshSeconds: 0.5,
        sample: 3,
        outagePercent: 75,
        minMembers: 3,
      },
      host,
    );
    assert.equal(fleet.member, 'me');
    assert.deepEqual(fleet.peers, {
      kind: 'static',
      addresses: ['10.0.0.7:8099', '[::1]:9000', 'web-0.web:8099'],
    });
    assert.equal(fleet.timeoutMs, 250);
    assert.equal(fleet.sample, 3);
    const dns = resolveFleet(
      { peers: { dns: 'peers', port: 9000, resolver: '127.0.0.1:5353' } },
      { member: 'x' },
    );
    assert.deepEqual(dns.peers, { kind: 'dns', name: 'peers', port: 9000, resolver: '127.0.0.1:5353' });
  });

  it('times out a peer after 1 s, or half a round when rounds are shorter', () => {
    assert.equal(fleetTimeoutMs(5), 1000);
    assert.equal(fleetTimeoutMs(2), 1000);
    assert.equal(fleetTimeoutMs(1), 500);
    assert.equal(fleetTimeoutMs(0.2), 100);
  });

  const refused: [string, unknown, string][] = [
    ['not an object', 'x', 'fleet'],
    ['unknown key', { peers: { static: [] }, samples: 3 }, 'fleet.samples'],
    ['no peers', {}, 'fleet.peers'],
    ['both kinds', { peers: { static: [], dns: 'x' } }, 'fleet.peers.dns'],
    ['static not a list', { peers: { static: '10.0.0.1:80' } }, 'fleet.peers.static'],
    ['static without a port', { peers: { static: ['10.0.0.1:80', '10.0.0.2'] } }, 'fleet.peers.static[1]'],
    ['static with a path', { peers: { static: ['10.0.0.1:80/x'] } }, 'fleet.peers.static[0]'],
    ['static IPv6 without brackets', { peers: { static: ['::1:80'] } }, 'fleet.peers.static[0]'],
    ['dns not a name', { peers: { dns: 'a b' } }, 'fleet.peers.dns'],
    ['dns port out of range', { peers: { dns: 'x', port: 70000 } }, 'fleet.peers.port'],
    ['resolver a name', { peers: { dns: 'x', resolver: 'kube-dns:53' } }, 'fleet.peers.resolver'],
    ['resolver bad port', { peers: { dns: 'x', resolver: '127.0.0.1:99999' } }, 'fleet.peers.resolver'],
    ['refreshSeconds 0', { peers: { static: [] }, refreshSeconds: 0 }, 'fleet.refreshSeconds'],
    ['sample 0', { peers: { static: [] }, sample: 0 }, 'fleet.sample'],
    ['sample 1.5', { peers: { static: [] }, sample: 1.5 }, 'fleet.sample'],
    ['outagePercent 0', { peers: { static: [] }, outagePercent: 0 }, 'fleet.outagePercent'],
    ['outagePercent 101', { peers: { static: [] }, outagePercent: 101 }, 'fleet.outagePercent'],
    ['minMembers 0', { peers: { static: [] }, minMembers: 0 }, 'fleet.minMembers'],
    ['member with a space', { peers: { static: [] }, member: 'a b' }, 'fleet.member'],
    ['member empty', { peers: { static: [] }, member: '' }, 'fleet.member'],
  ];
  for (const [name, options, path] of refused) {
    it(`refuses ${name}, naming ${path}`, () => {
      assert.throws(
        () => resolveFleet(options as never, host),
        (error: unknown) =>
          error instanceof InvalidFleetError &&
          error.code === 'PROBEKIT_INVALID_FLEET' &&
          error.path === path,
      );
    });
  }

  it('needs a port for DNS peers when the host has none (the SDK)', () => {
    assert.throws(() => resolveFleet({ peers: { dns: 'peers' } }, { member: 'x' }), {
      path: 'fleet.peers.port',
    });
  });
});

describe('defaultMemberId', () => {
  it('is $POD_NAME, else $HOSTNAME, else the host name and port', () => {
    assert.equal(defaultMemberId({ POD_NAME: 'web-1', HOSTNAME: 'h' }, 'box', 8099), 'web-1');
    assert.equal(defaultMemberId({ POD_NAME: '', HOSTNAME: 'h' }, 'box', 8099), 'h');
    assert.equal(defaultMemberId({}, 'box', 8099), 'box:8099');
    assert.equal(defaultMemberId({}, 'box'), 'box');
  });
});
