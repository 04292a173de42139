import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exec, grpc, httpGet, tcpSocket } from '@probekit/core';
import { endpointOf, isLoopback, literalAddresses, reaches } from '../../src/doctor/addresses.js';

describe('reaches', () => {
  const table: [bound: string, address: string, expected: boolean][] = [
    ['0.0.0.0', '127.0.0.1', true],
    ['0.0.0.0', '10.0.0.5', true],
    ['0.0.0.0', '::1', false],
    ['0.0.0.0', '::ffff:10.0.0.5', true],
    ['::', '10.0.0.5', true],
    ['::', 'fd00::2', true],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['127.0.0.1', '10.0.0.5', false],
    ['::1', '127.0.0.1', false],
    ['::ffff:10.0.0.5', '10.0.0.5', true],
    ['10.0.0.5', '10.0.0.5', true],
    ['fd00::2', 'FD00::2', true],
  ];
  for (const [bound, address, expected] of table) {
    it(`${bound} ${expected ? 'accepts' : 'does not accept'} ${address}`, () => {
      assert.equal(reaches({ address: bound, port: 80 }, address), expected);
    });
  }
});

describe('isLoopback and literalAddresses', () => {
  it('knows 127.0.0.0/8, ::1, their mapped forms and localhost', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST'])
      assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'fd00::2', 'db.local', '128.0.0.1'])
      assert.equal(isLoopback(host), false, host);
  });

  it('gives the addresses of IP literals and localhost, and nothing for names', () => {
    assert.deepEqual(literalAddresses('localhost'), ['127.0.0.1', '::1']);
    assert.deepEqual(literalAddresses('::ffff:10.0.0.5'), ['10.0.0.5']);
    assert.deepEqual(literalAddresses('10.0.0.5'), ['10.0.0.5']);
    assert.equal(literalAddresses('postgres.default.svc'), undefined);
  });
});

describe('endpointOf', () => {
  it('reads host and port of the kinds that connect, nothing of the others', () => {
    assert.deepEqual(endpointOf(tcpSocket({ host: '::1', port: 5432 })), { host: '::1', port: 5432 });
    assert.deepEqual(endpointOf(httpGet({ port: 8080, path: '/healthz' })), {
      host: '127.0.0.1',
      port: 8080,
    });
    assert.deepEqual(endpointOf(grpc({ host: 'api', port: 9090 })), { host: 'api', port: 9090 });
    assert.equal(endpointOf(exec({ command: ['true'] })), undefined);
  });
});
