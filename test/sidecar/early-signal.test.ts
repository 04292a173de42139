// A SIGHUP that arrives while `probekit serve` is still reading its config must not kill it (node's default
// for SIGHUP is to die): the config is read from a FIFO the test holds open, so the signal lands mid-read.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { kubeProbe, startServe, tempDir, until } from './helpers.js';

const temp = tempDir();
after(() => temp.remove());

/** The pid of the process that has `file` open, if any. */
function holderOf(file: string): number | undefined {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (pid !== String(process.pid) && fds.some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === file))
        return Number(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return undefined;
}

it('serve survives a SIGHUP that arrives while its config is being read', async () => {
  const fifo = join(temp.dir, 'probekit.yaml');
  execFileSync('mkfifo', [fifo]);
  // Opened read-write, so the sidecar's open() returns at once and its read() waits for the content.
  const writer = openSync(fifo, 'r+');
  const starting = startServe(['--config', fifo]);
  const pid = await until(async () => holderOf(fifo), 10_000);
  process.kill(pid, 'SIGHUP');
  await new Promise((resolve) => setTimeout(resolve, 200));
  writeSync(writer, 'checks:\n  - { name: ok, exec: { command: ["true"] }, periodSeconds: 0.2 }\n');
  closeSync(writer);
  const sidecar = await starting;
  try {
    await until(async () => (await kubeProbe(`${sidecar.url}/readyz`)).status === 200);
    assert.equal(sidecar.child.signalCode, null);
  } finally {
    await sidecar.kill();
  }
});
