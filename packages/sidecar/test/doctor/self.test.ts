import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Listener } from '../../src/doctor/proc-net.js';
import { selfFindings } from '../../src/doctor/self.js';

const at = (address: string): Listener => ({ address, port: 8099 });
const run = (host: string, listeners: Listener[], inCluster = true) =>
  selfFindings({ host, port: 8099, listeners, pod: ['10.0.0.5'], inCluster }).map((finding) => finding.id);

describe('selfFindings', () => {
  it('reports probekit configured for loopback in a cluster', () => {
    assert.deepEqual(run('127.0.0.1', [at('127.0.0.1')]), ['self-loopback']);
    assert.deepEqual(run('::1', [at('::1')]), ['self-loopback']);
  });

  it('reports probekit found listening on loopback only, whatever the config says (serve --host)', () => {
    assert.deepEqual(run('0.0.0.0', [at('127.0.0.1')]), ['self-loopback']);
  });

  it('reports nobody on probekit’s port', () => {
    assert.deepEqual(run('0.0.0.0', []), ['not-listening']);
  });

  it('is content with 0.0.0.0 or ::', () => {
    assert.deepEqual(run('0.0.0.0', [at('0.0.0.0')]), []);
    assert.deepEqual(run('::', [at('::')]), []);
  });

  it('says nothing outside a cluster, where loopback is a fine choice', () => {
    assert.deepEqual(run('127.0.0.1', [at('127.0.0.1')], false), []);
  });
});
