// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} references on purpose
// `fleet:` and `scope:` in a config file: resolved by core, refused with paths, warned about where they change nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError, formatProblem } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'probekit-fleet-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

function load(text: string, env: Record<string, string> = {}) {
  const file = join(dir, `config-${++counter}.yaml`);
  writeFileSync(file, text);
  return loadConfig({ file, env });
}

async function problems(text: string): Promise<string[]> {
  const error = await load(text).then(
    () => assert.fail('expected a ConfigError'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof ConfigError, String(error));
  return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

const SHARED_DB = `
checks:
  - name: db
    tcpSocket: { host: postgres, port: 5432 }
    scope: shared
`;

describe('fleet: in the config', () => {
  it('resolves with the contract defaults, the member from $POD_NAME and the DNS port from the server', async () => {
    const config = await load(
      `server: { port: 9000 }\nfleet:\n  peers: { dns: 'shop-peers.\${POD_NAMESPACE}.svc.cluster.local' }\n${SHARED_DB}`,
      { POD_NAME: 'shop-7d9c-x2x4q', POD_NAMESPACE: 'shop' },
    );
    assert.equal(config.checks[0]?.scope, 'shared');
    assert.deepEqual(config.warnings, []);
    const fleet = config.fleet?.(9000);
    assert.deepEqual(fleet, {
      member: 'shop-7d9c-x2x4q',
      peers: { kind: 'dns', name: 'shop-peers.shop.svc.cluster.local', port: 9000, resolver: undefined },
      refreshSeconds: 5,
      sample: 16,
      outagePercent: 50,
      minMembers: 2,
      timeoutMs: 1000,
    });
    // The sidecar resolves it again with the port it listens on (a --port flag, or 0 bound to a free one).
    const again = config.fleet?.(9100).peers;
    assert.equal(again?.kind === 'dns' && again.port, 9100);
  });

  it('without $POD_NAME or $HOSTNAME, the member is the host name and the port', async () => {
    const config = await load(`fleet: { peers: { static: ['10.0.0.7:8099'] } }\n${SHARED_DB}`);
    assert.equal(config.fleet?.(8099).member, `${hostname()}:8099`);
  });

  it('refuses a bad fleet with every problem and its path', async () => {
    assert.deepEqual(
      await problems(
        `fleet: { peers: { static: ['10.0.0.7'] }, sample: 0, outagePercent: 120 }\n${SHARED_DB}`,
      ),
      [
        'fleet.outagePercent: must be a percentage from 1 to 100',
        'fleet.sample: must be an integer from 1 to 1000',
      ],
    );
    assert.deepEqual(await problems(`fleet: { peers: { static: ['10.0.0.7'] } }\n${SHARED_DB}`), [
      'fleet.peers.static[0]: must be host:port (IPv6 in brackets: [::1]:8099), got `"10.0.0.7"` (string)',
    ]);
    assert.deepEqual(await problems(`fleet: { peers: { dns: x, resolver: kube-dns } }\n${SHARED_DB}`), [
      'fleet.peers.resolver: must be an IP address with an optional port (10.96.0.10, 127.0.0.1:5353, [::1]:53), got `"kube-dns"` (string)',
    ]);
    const neither = await problems(`fleet: { peers: {} }\n${SHARED_DB}`);
    assert.ok(
      neither.some((line) => line.startsWith('fleet.peers: ')),
      neither.join('\n'),
    );
    const unknown = await problems(`fleet: { peers: { static: [] }, samples: 3 }\n${SHARED_DB}`);
    assert.ok(
      unknown.some((line) => line.startsWith('fleet.samples: ')),
      unknown.join('\n'),
    );
  });

  it('refuses scope: shared in a liveness or startup check, naming the path', async () => {
    assert.deepEqual(
      await problems(
        `checks:\n  - name: db\n    tcpSocket: { port: 5432 }\n    probes: [readiness, liveness]\n    scope: shared\n`,
      ),
      [
        'checks[0].scope: must be local in liveness and startup checks (a restart cannot fix a shared dependency), got `"shared"` (string)',
      ],
    );
    assert.deepEqual(
      await problems(`checks:\n  - name: db\n    tcpSocket: { port: 5432 }\n    scope: global\n`),
      ['checks[0].scope: must be local or shared'],
    );
  });

  it('--shared-check: a readiness check given inline with scope: shared', async () => {
    const file = join(dir, `config-${++counter}.yaml`);
    writeFileSync(file, `fleet: { peers: { static: [] } }\n`);
    const config = await loadConfig({
      file,
      env: {},
      targets: ['tcp://db:5432'],
      sharedTargets: ['tcp://api:443'],
    });
    assert.deepEqual(
      config.checks.map((check) => [check.name, check.scope, check.probes.join()]),
      [
        ['tcp-db-5432', 'local', 'readiness'],
        ['tcp-api-443', 'shared', 'readiness'],
      ],
    );
    assert.deepEqual(config.warnings, []);
    const alone = await loadConfig({ env: {}, sharedTargets: ['tcp://api:443'] });
    assert.deepEqual(
      alone.warnings.map((warning) => warning.path),
      ['--shared-check[0]'],
    );
  });

  it('warns where it changes nothing: a shared check without a fleet, a fleet without a shared check', async () => {
    const lonely = await load(SHARED_DB);
    assert.equal(lonely.fleet, undefined);
    assert.deepEqual(lonely.warnings.map(formatProblem), [
      'checks[0].scope: is shared, but there is no fleet: plain semantics (docs/fleet.md) (line 5, column 5)',
    ]);
    const idle = await load(
      `fleet: { peers: { static: [] } }\nchecks:\n  - name: db\n    tcpSocket: { port: 5432 }\n`,
    );
    assert.deepEqual(
      idle.warnings.map((warning) => `${warning.path}: ${warning.message}`),
      ['fleet: no check has scope: shared: the fleet changes nothing'],
    );
  });
});
