import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import { podAddresses } from '../../src/doctor/pod-address.js';

const info = (address: string, internal = false): NetworkInterfaceInfo =>
  ({
    address,
    internal,
    family: address.includes(':') ? 'IPv6' : 'IPv4',
    netmask: '',
    mac: '',
    cidr: null,
    ...(address.includes(':') && { scopeid: 0 }),
  }) as NetworkInterfaceInfo;

const INTERFACES = {
  lo: [info('127.0.0.1', true), info('::1', true)],
  eth0: [info('10.0.0.5'), info('fd00::5'), info('fe80::1')],
};

describe('podAddresses', () => {
  it('takes POD_IP (and POD_IPS) from the downward API over the interfaces', () => {
    assert.deepEqual(podAddresses({ POD_IP: '10.1.2.3' }, INTERFACES), {
      addresses: ['10.1.2.3'],
      source: 'POD_IP',
    });
    assert.deepEqual(podAddresses({ POD_IP: '10.1.2.3', POD_IPS: '10.1.2.3,fd00::7' }, INTERFACES), {
      addresses: ['10.1.2.3', 'fd00::7'],
      source: 'POD_IP',
    });
  });

  it('falls back to the non-loopback, non-link-local addresses of the interfaces', () => {
    for (const env of [{}, { POD_IP: '' }, { POD_IP: 'not-an-ip' }]) {
      assert.deepEqual(podAddresses(env, INTERFACES), {
        addresses: ['10.0.0.5', 'fd00::5'],
        source: 'interfaces',
      });
    }
  });

  it('finds none in a namespace with loopback only', () => {
    assert.deepEqual(podAddresses({}, { lo: INTERFACES.lo }), { addresses: [], source: 'interfaces' });
  });
});
