// The sidecar's fleet across reloads, in-process with a real server: joined at start with the port as bound,
// kept when unchanged, replaced when changed, left when removed; /fleetz follows.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import { startSidecar } from '../src/sidecar.js';

const dir = mkdtempSync(join(tmpdir(), 'probekit-sidecar-fleet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CHECKS = 'checks:\n  - { name: db, tcpSocket: { port: 1 }, scope: shared, periodSeconds: 60 }\n';

describe('the sidecar in a fleet', () => {
  it('joins at start, keeps an unchanged fleet on reload, changes and leaves it; /fleetz follows', async () => {
    const file = join(dir, 'fleet.yaml');
    const write = (fleet: string) =>
      writeFileSync(file, `server: { port: 0, host: 127.0.0.1 }\n${fleet}${CHECKS}`);
    write('fleet: { member: a, peers: { dns: peers.invalid, resolver: 127.0.0.1 } }\n');
    const load = () => loadConfig({ file, env: {} });
    const sidecar = await startSidecar({
      config: await load(),
      load,
      log: () => {},
      overrides: { shutdownDelaySeconds: 0 },
    });
    try {
      const fleetz = async () => {
        const response = await fetch(`${sidecar.url}/fleetz`);
        return response.status === 200
          ? ((await response.json()) as { member: string }).member
          : response.status;
      };
      const first = sidecar.engine.fleet;
      const port = Number(new URL(sidecar.url).port);
      assert.deepEqual(first?.options.peers, {
        kind: 'dns',
        name: 'peers.invalid',
        port,
        resolver: '127.0.0.1',
      });
      assert.equal(await fleetz(), 'a');

      await sidecar.reload('SIGHUP');
      assert.equal(sidecar.engine.fleet, first, 'an unchanged fleet keeps its rounds and outages');

      write('fleet: { member: b, peers: { static: [] } }\n');
      await sidecar.reload('SIGHUP');
      assert.notEqual(sidecar.engine.fleet, first);
      assert.equal(await fleetz(), 'b');

      write('');
      await sidecar.reload('SIGHUP');
      assert.equal(sidecar.engine.fleet, undefined);
      assert.equal(await fleetz(), 404);
    } finally {
      await sidecar.shutdown('SIGTERM');
    }
  });
});
