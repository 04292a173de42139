// The exec kind under abuse: commands that fork and outlive their timeout, that flood their output, that do
// not exist. Every run ends by its deadline, and nothing stays behind: no process, no zombie, no descriptor.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { exec } from '@probekit/core';
import { runProber } from '@probekit/core/internal';
import { CLI } from '../sidecar/helpers.js';
import { execChurn } from './support/exec-churn.js';
import { fdCount, leftovers, processes, rssKib, settle } from './support/proc.js';

const MiB = 1024;
const TINI = '/usr/bin/tini';

describe('exec under abuse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'probekit-exec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('100 timed-out runs of a command that forks leave no process and no descriptor behind', async () => {
    const result = await execChurn({ runs: 100, parallel: 25 });
    assert.deepEqual(result.unexpected, [], 'every run ends as a timeout');
    assert.ok(
      result.slowestMs < 200 + 300 + result.maxLagMs,
      `a run took ${result.slowestMs} ms against a 200 ms timeout (event loop lag ${result.maxLagMs} ms)`,
    );
    assert.deepEqual(result.leftoverProcesses, [], 'processes left behind');
    assert.ok(result.fdsAfter <= result.fdsBefore, `descriptors left open: ${result.extraFds.join(', ')}`);
  });

  it('a run that times out before its command is spawned (the first run of a cold start) leaves nothing behind', async (t) => {
    // A fresh process, so that nothing of exec's is set up yet; a 1 ms timeout ends the run before the spawn.
    // It stays up until told, as a sidecar would: what it spawned lives as long as it does.
    const marker = `62.${process.pid}`;
    const script = `
        import { exec } from '@probekit/core';
import { runProber } from '@probekit/core/internal';
        const end = await runProber(exec({ command: ['sleep', '${marker}'] }), 1);
        // Give the abandoned run time to finish opening its output: a child it spawned would exist by now.
        await new Promise((resolve) => setTimeout(resolve, 300));
        console.log(end.result);
        process.stdin.resume().on('end', () => process.exit(0));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    t.after(() => child.stdin.end());
    const [result] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    assert.equal(result, 'timeout');
    // The node child carries the marker in its own script: only what it spawned counts.
    const left = await settle(
      () => leftovers(marker).filter(({ pid }) => pid !== child.pid),
      (found) => found.length === 0,
      1000,
    );
    for (const { pid } of left) process.kill(pid, 'SIGKILL');
    assert.deepEqual(left, [], 'the command outlived its run');
  });

  it('floods of tens of MB are read and dropped with bounded memory: exit 0 passes, no end is a timeout', async () => {
    const fdsBefore = fdCount();
    const rssBefore = rssKib();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssKib());
    }, 5);
    // The kubelet's rule: 10 KiB kept for the reason, the rest read and dropped, the exit code decides.
    const chatty = exec({ command: ['head', '-c', String(50 * 1024 * 1024), '/dev/zero'] });
    const endless = exec({ command: ['sh', '-c', 'yes stdout | head -c 50000000 & yes stderr >&2'] });
    // Ten at once, hundreds of MB offered in all: kept or buffered, that would show in the RSS.
    const ends = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0 ? runProber(chatty, 10_000) : runProber(endless, 2_000),
      ),
    );
    clearInterval(sampler);
    for (const [i, end] of ends.entries()) assert.equal(end.result, i % 2 === 0 ? 'success' : 'timeout');
    assert.ok(rssPeak - rssBefore < 16 * MiB, `RSS grew by ${Math.round((rssPeak - rssBefore) / MiB)} MiB`);
    const fdsAfter = await settle(
      () => fdCount(),
      (count) => count <= fdsBefore,
    );
    assert.ok(fdsAfter <= fdsBefore, `${fdsAfter - fdsBefore} descriptors left open`);
  });

  it('a missing, non-executable or misplaced command is a clear failure, not a crash', async () => {
    const script = join(dir, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\nexit 0\n');
    chmodSync(script, 0o644);
    const cases = [
      {
        command: ['probekit-no-such-binary-4f1c'],
        reason: /^command not found: probekit-no-such-binary-4f1c$/,
      },
      { command: [join(dir, 'absent')], reason: /^command not found: / },
      { command: [script], reason: /^permission denied: / },
      { command: [dir], reason: /^permission denied: / },
      { command: ['true'], cwd: join(dir, 'absent'), reason: /^working directory not found: / },
    ];
    const fdsBefore = fdCount();
    for (const { command, cwd, reason } of cases) {
      const end = await runProber(exec({ command, ...(cwd !== undefined && { cwd }) }), 2000);
      assert.equal(end.result, 'failure', command.join(' '));
      if (end.result === 'failure') assert.match(end.outcome.output ?? '', reason);
    }
    const fdsAfter = await settle(
      () => fdCount(),
      (count) => count <= fdsBefore,
    );
    assert.ok(fdsAfter <= fdsBefore, `${fdsAfter - fdsBefore} descriptors left open`);
  });

  // In a container whose PID 1 is node itself, orphans of a killed process group (the backgrounded `sleep`) are
  // re-parented to it, and node reaps only the children it spawned: each would stay a zombie for good. The
  // image runs probekit under tini for that (docker/Dockerfile); this runs it the same way, as PID 1 of a
  // PID namespace of its own, and counts what is left in that namespace.
  it('as in the image (tini as PID 1 of its own PID namespace), timed-out forking runs leave no zombies', {
    skip: unavailable(),
  }, async (t) => {
    const file = join(dir, 'forks.yaml');
    writeFileSync(
      file,
      'checks:\n  - name: forks\n    exec: { command: [sh, -c, "sleep 60 & sleep 60"] }\n' +
        '    periodSeconds: 0.2\n    timeoutSeconds: 0.1\n',
    );
    const serve = [process.execPath, CLI, 'serve', '--config', file, '--port', '0', '--host', '127.0.0.1'];
    const unshare = spawn('unshare', ['--pid', '--fork', '--kill-child', TINI, '--', ...serve], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => {
      unshare.kill('SIGKILL');
    });
    await once(createInterface({ input: unshare.stdout }), 'line');
    await sleep(2000);
    const init = processes().find((p) => p.ppid === unshare.pid && p.cmdline.startsWith(TINI));
    assert.ok(init, 'tini runs as PID 1 of the namespace');
    const inside = (pid: number): boolean => {
      const parent = processes().find((p) => p.pid === pid)?.ppid;
      return parent === init.pid || (parent !== undefined && parent > 1 && inside(parent));
    };
    const zombies = processes().filter((p) => p.state === 'Z' && inside(p.pid));
    assert.deepEqual(zombies, [], `${zombies.length} zombies after 2 s of timed-out runs`);
  });
});

// Both are needed to stand in for the container: unshare --pid (root) and the image's init.
function unavailable(): string | false {
  if (spawnSync('unshare', ['--pid', '--fork', 'true']).status !== 0) return 'needs `unshare --pid` (root)';
  return existsSync(TINI) ? false : `needs ${TINI} (apt-get install tini), the image's PID 1`;
}
