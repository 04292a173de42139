import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { describe, it } from 'node:test';
import { openCommandOutput } from '../../src/checks/exec-output.js';

async function run(command: string, limit: number) {
  const output = await openCommandOutput(limit);
  const child = spawn('sh', ['-c', command], { stdio: ['ignore', output.childEnd, output.childEnd] });
  output.childEnd.destroy();
  await once(child, 'exit');
  await output.ended;
  return output.text();
}

describe('exec output', () => {
  it('keeps the first bytes of stdout and stderr together, and reads the rest to the end', async () => {
    assert.equal(await run('echo out; echo err >&2', 1024), 'out\nerr');
    assert.equal(await run('head -c 3000000 /dev/zero | tr "\\0" x', 5), 'xxxxx');
  });

  it('ends when the last holder lets go, or at once on close()', async () => {
    const output = await openCommandOutput(1024);
    const child = spawn('sh', ['-c', 'echo started; sleep 30'], {
      stdio: ['ignore', output.childEnd, output.childEnd],
    });
    output.childEnd.destroy();
    let ended = false;
    void output.ended.then(() => {
      ended = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(ended, false, 'sleep still holds it');
    output.close();
    await output.ended;
    child.kill('SIGKILL');
  });

  it('refuses a stranger that connects first: a Linux abstract socket is open to the whole network namespace', {
    timeout: 5000,
  }, async (t) => {
    const strangers: net.Socket[] = [];
    const listen = net.Server.prototype.listen;
    // The stranger's connection is queued before ours, as a fast attacker reading /proc/net/unix would manage.
    t.mock.method(net.Server.prototype, 'listen', function (this: net.Server, ...args: unknown[]) {
      const [options, callback] = args as [{ path: string }, () => void];
      return listen.call(this, options, () => {
        const stranger = net.connect({ path: options.path }, () => callback());
        stranger.write(Buffer.alloc(16));
        stranger.on('error', () => {});
        strangers.push(stranger);
      });
    });
    const output = await openCommandOutput(1024);
    t.mock.restoreAll();
    const child = spawn('sh', ['-c', 'echo secret'], { stdio: ['ignore', output.childEnd, output.childEnd] });
    output.childEnd.destroy();
    await once(child, 'exit');
    await output.ended;
    assert.equal(output.text(), 'secret');
    assert.equal(strangers.length, 1);
    const [stranger] = strangers;
    const heard: Buffer[] = [];
    stranger?.on('data', (chunk: Buffer) => heard.push(chunk));
    if (!stranger?.destroyed) await once(stranger as net.Socket, 'close');
    assert.equal(Buffer.concat(heard).length, 0, 'the stranger heard nothing and was closed');
  });
});
