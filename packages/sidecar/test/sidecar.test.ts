// The runtime in-process: reload bookkeeping and the shutdown gate, with real configs and a real server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import type { Logger } from '../src/log.js';
import { startSidecar } from '../src/sidecar.js';

const dir = mkdtempSync(join(tmpdir(), 'probekit-sidecar-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function recorder() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const log: Logger = (level, msg, fields = {}) => lines.push({ level, msg, fields: { ...fields } });
  return { lines, log };
}

describe('startSidecar', () => {
  it('applies a reload, says which server settings need a restart, and keeps flags over the file', async () => {
    const file = join(dir, 'a.yaml');
    writeFileSync(
      file,
      'server: { port: 0, host: 127.0.0.1 }\nchecks:\n  - { name: a, exec: { command: ["true"] } }\n',
    );
    const load = () => loadConfig({ file, env: {} });
    const { lines, log } = recorder();
    const sidecar = await startSidecar({
      config: await load(),
      load,
      log,
      overrides: { shutdownDelaySeconds: 0 },
    });
    try {
      assert.match(sidecar.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      writeFileSync(
        file,
        'server: { port: 1, host: 127.0.0.2 }\nchecks:\n  - { name: b, exec: { command: ["true"] } }\n',
      );
      await sidecar.reload('SIGHUP');
      const reloaded = lines.find((line) => line.msg === 'config reloaded');
      assert.deepEqual(reloaded?.fields, { trigger: 'SIGHUP', added: ['b'], removed: ['a'], kept: [] });
      const restart = lines.find(
        (line) => line.msg === 'server settings changed that only apply after a restart',
      );
      assert.deepEqual(restart?.fields, { settings: ['server.port', 'server.host'] });
      // A file-triggered reload of an unchanged file does nothing at all. (The checks' own results are logged
      // meanwhile: their first runs come at once.)
      const reloadLines = () => lines.filter((line) => !/^(check|probe) /.test(line.msg)).length;
      const count = reloadLines();
      await sidecar.reload('file');
      assert.equal(reloadLines(), count);
    } finally {
      await sidecar.shutdown('SIGTERM');
    }
    // The SDK's shutdown sequence, in the sidecar's log.
    const messages = lines.map((line) => line.msg);
    assert.ok(messages.some((msg) => msg.startsWith('shutting down (SIGTERM): readiness fails now')));
    assert.match(messages.at(-1) ?? '', /^shutdown done in \d+ms; exit code 0$/);
  });

  it('gates readiness on a failing `shutdown` check at once, and ignores reloads from then on', async () => {
    const file = join(dir, 'b.yaml');
    writeFileSync(file, 'server: { port: 0, host: 127.0.0.1, shutdownDelaySeconds: 0.3 }\n');
    const load = () => loadConfig({ file, env: {} });
    const { lines, log } = recorder();
    const sidecar = await startSidecar({ config: await load(), load, log });
    assert.equal(sidecar.engine.snapshot().probes.readiness.status, 'pass');
    const done = sidecar.shutdown('SIGINT');
    const snapshot = sidecar.engine.snapshot();
    assert.equal(snapshot.probes.readiness.status, 'fail');
    assert.equal(snapshot.byName.get('shutdown')?.output, 'process is shutting down');
    assert.equal(snapshot.probes.liveness.status, 'pass');
    await sidecar.reload('SIGHUP');
    assert.ok(sidecar.engine.snapshot().byName.has('shutdown'), 'a reload must not remove the shutdown gate');
    assert.equal(sidecar.shutdown('SIGTERM'), done, 'a second shutdown is the same one');
    await done;
    assert.ok(!lines.some((line) => line.msg === 'config reloaded'));
  });
});
