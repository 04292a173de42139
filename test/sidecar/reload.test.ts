// Reload through the real binary: a ConfigMap-style symlink swap and SIGHUP; good files apply, bad ones are refused.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubeProbe, type Running, startServe, tcpTarget, tempDir, until } from './helpers.js';

/** A directory laid out as the kubelet mounts a ConfigMap: probekit.yaml → ..data/probekit.yaml, ..data → ..<version>. */
function configMapDir(root: string) {
  let version = 0;
  const publish = (text: string) => {
    const dir = `..v${++version}`;
    mkdirSync(join(root, dir));
    writeFileSync(join(root, dir, 'probekit.yaml'), text);
    // The kubelet's atomic writer: a new symlink, renamed over ..data in one step.
    symlinkSync(dir, join(root, '..data_tmp'));
    renameSync(join(root, '..data_tmp'), join(root, '..data'));
    if (version > 1) rmSync(join(root, `..v${version - 1}`), { recursive: true });
  };
  return {
    file: join(root, 'probekit.yaml'),
    publish,
    init(text: string) {
      publish(text);
      symlinkSync('..data/probekit.yaml', join(root, 'probekit.yaml'));
    },
  };
}

describe('reload', () => {
  const temp = tempDir();
  let db: Awaited<ReturnType<typeof tcpTarget>>;
  let sidecar: Running;
  const configMap = configMapDir(temp.dir);
  const dbCheck = () => `  - name: db\n    tcpSocket: { port: ${db.port} }\n    periodSeconds: 0.1\n`;

  before(async () => {
    db = await tcpTarget();
    configMap.init(
      `checks:\n${dbCheck()}  - name: gone\n    exec: { command: ["true"] }\n    periodSeconds: 0.1\n`,
    );
    sidecar = await startServe(['--config', configMap.file]);
  });
  after(async () => {
    await sidecar?.kill();
    await db?.close();
    temp.remove();
  });

  const dbState = async () =>
    JSON.parse((await kubeProbe(`${sidecar.url}/healthz/db?format=json`)).body).checks.db[0];
  const runsOf = async (check: string) => {
    const metrics = (await kubeProbe(`${sidecar.url}/metrics`)).body;
    const match = new RegExp(
      `^probekit_check_runs_total\\{check="${check}",result="success"\\} (\\d+)$`,
      'm',
    ).exec(metrics);
    return Number(match?.[1] ?? 0);
  };

  it('applies a changed file, keeping the state and counters of unchanged checks', async () => {
    await until(async () => (await dbState()).consecutiveSuccesses >= 5);
    const before = await dbState();
    const runsBefore = await runsOf('db');
    configMap.publish(`checks:\n${dbCheck()}  - name: new\n    exec: { command: ["true"] }\n`);
    const reloaded = await sidecar.waitForLog((line) => line.msg === 'config reloaded');
    assert.equal(reloaded['trigger'], 'file');
    assert.deepEqual([reloaded['added'], reloaded['removed'], reloaded['kept']], [['new'], ['gone'], ['db']]);
    const afterReload = await dbState();
    assert.ok(
      afterReload.consecutiveSuccesses >= before.consecutiveSuccesses,
      `${JSON.stringify(before)} → ${JSON.stringify(afterReload)}`,
    );
    assert.ok((await runsOf('db')) >= runsBefore);
    assert.equal(await runsOf('gone'), 0, 'metrics of a removed check are dropped');
    const all = JSON.parse((await kubeProbe(`${sidecar.url}/healthz?format=json`)).body);
    assert.deepEqual(Object.keys(all.checks), ['db', 'new']);
  });

  it('refuses a bad file with every error logged, and keeps running the old config', async () => {
    // `new` was just added: like any new readiness check it fails until its first run.
    await until(async () => (await kubeProbe(`${sidecar.url}/readyz`)).status === 200);
    configMap.publish(
      `checks:\n${dbCheck()}  - name: new\n    exec: { command: [] }\n  - { name: db, tcpSocket: { port: 99999 } }\n`,
    );
    const refused = await sidecar.waitForLog(
      (line) => line.msg === 'config reload refused; the running config stays',
    );
    assert.equal(refused.level, 'error');
    assert.deepEqual(refused['errors'], [
      'checks[1].exec.command: must be a non-empty list of strings (line 6, column 13)',
      'checks[2].name: "db" is already the name of checks[0] (line 7, column 7)',
      'checks[2].tcpSocket.port: must be an integer 1-65535 (line 7, column 30)',
    ]);
    const all = JSON.parse((await kubeProbe(`${sidecar.url}/healthz?format=json`)).body);
    assert.deepEqual(Object.keys(all.checks), ['db', 'new']);
    assert.equal((await kubeProbe(`${sidecar.url}/readyz`)).status, 200);
  });

  it('reloads on SIGHUP', async () => {
    const seen = sidecar.logs.length;
    configMap.publish(`checks:\n${dbCheck()}`);
    // Wait for the file-triggered reload first, so that SIGHUP's is the next one.
    await sidecar.waitForLog((line) => line.msg === 'config reloaded' && sidecar.logs.indexOf(line) >= seen);
    const before = sidecar.logs.length;
    sidecar.child.kill('SIGHUP');
    const reloaded = await sidecar.waitForLog(
      (line) =>
        line.msg === 'config reloaded' &&
        line['trigger'] === 'SIGHUP' &&
        sidecar.logs.indexOf(line) >= before,
    );
    assert.deepEqual([reloaded['added'], reloaded['removed'], reloaded['kept']], [[], [], ['db']]);
    assert.equal(sidecar.child.exitCode, null);
  });
});
