import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint } from '../../src/doctor/addresses.js';
import type { Finding } from '../../src/doctor/findings.js';
import { listeningFindings, type TargetCheck } from '../../src/doctor/listening.js';
import type { Listener } from '../../src/doctor/proc-net.js';

const check = (name: string, host: string, port: number): TargetCheck => {
  const endpoint: Endpoint = { host, port };
  return { name, target: `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`, endpoint };
};
const at = (address: string, port = 8080): Listener => ({ address, port });
const ids = (findings: readonly Finding[]) => findings.map((finding) => finding.id);

describe('listeningFindings', () => {
  const pod = ['127.0.0.2'];
  const table: {
    name: string;
    checks?: TargetCheck[];
    appPorts?: number[];
    listeners: Listener[];
    pod?: string[];
    expected: string[];
  }[] = [
    {
      name: 'app on 127.0.0.1 only',
      checks: [check('app', '127.0.0.1', 8080)],
      listeners: [at('127.0.0.1')],
      expected: ['loopback-only'],
    },
    {
      name: 'app on 0.0.0.0',
      checks: [check('app', '127.0.0.1', 8080)],
      listeners: [at('0.0.0.0')],
      expected: [],
    },
    {
      name: 'app on ::1 only',
      checks: [check('app', '::1', 8080)],
      listeners: [at('::1')],
      expected: ['loopback-only'],
    },
    { name: 'app on ::', checks: [check('app', '::1', 8080)], listeners: [at('::')], expected: [] },
    {
      name: 'app on 127.0.0.1 and ::1',
      checks: [check('app', 'localhost', 8080)],
      listeners: [at('127.0.0.1'), at('::1')],
      expected: ['loopback-only'],
    },
    {
      name: 'localhost reached over ::1',
      checks: [check('app', 'localhost', 8080)],
      listeners: [at('::')],
      expected: [],
    },
    {
      name: 'nobody on the port',
      checks: [check('app', '127.0.0.1', 8080)],
      listeners: [at('0.0.0.0', 8081)],
      expected: ['not-listening'],
    },
    {
      name: 'the pod address on a loopback-only port: said once',
      checks: [check('app', '127.0.0.2', 8080)],
      listeners: [at('127.0.0.1')],
      expected: ['loopback-only'],
    },
    {
      name: 'loopback target, port bound to the pod address only',
      checks: [check('app', '127.0.0.1', 8080)],
      listeners: [at('127.0.0.2')],
      expected: ['not-listening'],
    },
    {
      name: 'a host elsewhere is not this pod’s business',
      checks: [check('db', 'db.shop.svc', 5432), check('ext', '10.9.9.9', 5432)],
      listeners: [],
      expected: [],
    },
    {
      name: 'an exec check has no port',
      checks: [{ name: 'file', target: 'exec:true', endpoint: undefined }],
      listeners: [],
      expected: [],
    },
    {
      name: 'app port on loopback only',
      appPorts: [8080],
      listeners: [at('127.0.0.1')],
      expected: ['loopback-only'],
    },
    { name: 'app port nobody listens on', appPorts: [8080], listeners: [], expected: ['not-listening'] },
    { name: 'app port on 0.0.0.0', appPorts: [8080], listeners: [at('0.0.0.0')], expected: [] },
    {
      name: 'no pod address known: loopback-only cannot be told',
      checks: [check('app', '127.0.0.1', 8080)],
      listeners: [at('127.0.0.1')],
      pod: [],
      expected: [],
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const findings = listeningFindings({
        checks: row.checks ?? [],
        appPorts: row.appPorts ?? [],
        listeners: row.listeners,
        pod: row.pod ?? pod,
      });
      assert.deepEqual(ids(findings), row.expected);
    });
  }

  it('says which port, who uses it, where it listens and where the kubelet connects', () => {
    const [loopback, missing] = listeningFindings({
      checks: [check('app', '127.0.0.1', 8080), check('gone', '127.0.0.1', 9000)],
      appPorts: [8080],
      listeners: [at('127.0.0.1')],
      pod: ['10.0.0.5'],
    });
    assert.equal(
      loopback?.message,
      'port 8080 (check app, --app-port 8080) accepts connections on 127.0.0.1 only, but the kubelet and ' +
        'Services connect to the pod address 10.0.0.5:8080: bind it to 0.0.0.0 or :: (fine only if nothing ' +
        'outside this pod uses the port)',
    );
    assert.equal(missing?.message, 'check gone: nothing listens on port 9000 (tcp://127.0.0.1:9000)');
  });
});
