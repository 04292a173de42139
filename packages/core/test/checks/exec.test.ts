import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { exec } from '../../src/checks/exec.js';
import { InvalidCheckError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'probekit-exec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Live (not zombie) processes whose process group is `pgid`, read from /proc. */
function liveMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

async function waitForNoMembers(pgid: number): Promise<number[]> {
  for (let i = 0; i < 50 && liveMembers(pgid).length > 0; i++) await sleep(20);
  return liveMembers(pgid);
}

describe('exec: exit codes and output', () => {
  it('passes on exit 0', async () => {
    // The first run sets up node's child-process machinery: seconds on a loaded machine, and not what is tested.
    assert.deepEqual(await exec({ command: ['true'] }).run(AbortSignal.timeout(30_000)), { ok: true });
  });

  it('fails on exit 1 with stdout and stderr in the reason', async () => {
    const outcome = await exec({ command: ['sh', '-c', 'echo out; echo err >&2; exit 1'] }).run(
      AbortSignal.timeout(5000),
    );
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /^exit code 1: /);
    assert.match(outcome.output ?? '', /out/);
    assert.match(outcome.output ?? '', /err/);
  });

  it('keeps the first 10 KiB of the output', async () => {
    const command = ['sh', '-c', "head -c 20000 /dev/zero | tr '\\0' a; exit 3"];
    const outcome = await exec({ command }).run(AbortSignal.timeout(5000));
    assert.equal(outcome.output, `exit code 3: ${'a'.repeat(10 * 1024)}`);
  });

  it('passes a chatty command that exits 0, and keeps 10 KiB of a chatty one that fails (the kubelet rule)', async () => {
    const chatty = await exec({ command: ['head', '-c', '20000000', '/dev/zero'] }).run(
      AbortSignal.timeout(10_000),
    );
    assert.deepEqual(chatty, { ok: true });
    const command = ['sh', '-c', "head -c 20000000 /dev/zero | tr '\\0' b; exit 4"];
    const failed = await exec({ command }).run(AbortSignal.timeout(10_000));
    assert.equal(failed.output, `exit code 4: ${'b'.repeat(10 * 1024)}`);
  });

  it('reads and drops what is past 10 KiB: 200 MB pass with a flat RSS', async () => {
    const rssBefore = process.memoryUsage.rss();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    }, 5);
    const outcome = await exec({ command: ['head', '-c', String(200 * 1024 * 1024), '/dev/zero'] }).run(
      AbortSignal.timeout(30_000),
    );
    clearInterval(sampler);
    assert.deepEqual(outcome, { ok: true });
    const grownMiB = (rssPeak - rssBefore) / 1024 / 1024;
    assert.ok(grownMiB < 16, `RSS grew by ${grownMiB.toFixed(1)} MiB for 200 MiB of output`);
  });

  it('ends a command that never stops writing (`yes`) by its timeout, with its output kept', async () => {
    const started = performance.now();
    const outcome = await exec({ command: ['yes'] }).run(AbortSignal.timeout(500));
    const elapsed = performance.now() - started;
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /^The operation was aborted due to timeout: y\ny\n/);
    assert.ok(
      (outcome.output ?? '').length <= 'The operation was aborted due to timeout: '.length + 10 * 1024,
    );
    assert.ok(elapsed >= 450 && elapsed < 2000, `settled after ${elapsed} ms`);
  });

  it('reports a signal that killed the command', async () => {
    const outcome = await exec({ command: ['sh', '-c', 'kill -TERM $$'] }).run(AbortSignal.timeout(5000));
    assert.deepEqual(outcome, { ok: false, output: 'killed by SIGTERM' });
  });

  it('fails, without throwing, on a missing binary or working directory', async () => {
    assert.deepEqual(
      await exec({ command: ['probekit-no-such-binary', 'x'] }).run(AbortSignal.timeout(5000)),
      {
        ok: false,
        output: 'command not found: probekit-no-such-binary',
      },
    );
    assert.deepEqual(
      await exec({ command: ['true'], cwd: join(dir, 'missing') }).run(AbortSignal.timeout(5000)),
      {
        ok: false,
        output: `working directory not found: ${join(dir, 'missing')}`,
      },
    );
  });

  it('runs in cwd, with PATH, HOME and the given env only', async () => {
    process.env['PROBEKIT_TEST_SECRET'] = 'hunter2';
    after(() => delete process.env['PROBEKIT_TEST_SECRET']);
    const command = ['sh', '-c', 'pwd; env; exit 1'];
    const outcome = await exec({ command, env: { FOO: 'bar' }, cwd: dir }).run(AbortSignal.timeout(5000));
    const output = outcome.output ?? '';
    assert.match(output, new RegExp(`^exit code 1: ${dir}\n`));
    assert.match(output, /^FOO=bar$/m);
    assert.match(output, /^PATH=/m);
    assert.doesNotMatch(output, /PROBEKIT_TEST_SECRET|hunter2/);
  });
});

describe('exec: the process group', () => {
  it('kills the whole group at the abort and settles at once', async () => {
    const pidFile = join(dir, 'abort.pid');
    const prober = exec({ command: ['sh', '-c', `echo $$ > ${pidFile}; sleep 30 & sleep 30`] });
    const started = performance.now();
    const outcome = await prober.run(AbortSignal.timeout(300));
    const elapsed = performance.now() - started;
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /timeout/);
    assert.ok(elapsed < 1000, `settled after ${elapsed} ms`);
    const pgid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(pgid > 1);
    assert.deepEqual(await waitForNoMembers(pgid), []);
  });

  it('does not wait for, nor leave behind, what the command started in the background', async () => {
    const pidFile = join(dir, 'exit.pid');
    const started = performance.now();
    const outcome = await exec({ command: ['sh', '-c', `echo $$ > ${pidFile}; sleep 30 & exit 0`] }).run(
      AbortSignal.timeout(5000),
    );
    assert.equal(outcome.ok, true);
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual(await waitForNoMembers(Number(readFileSync(pidFile, 'utf8'))), []);
  });

  it('does not start when the signal is already aborted', async () => {
    const marker = join(dir, 'never');
    const outcome = await exec({ command: ['touch', marker] }).run(AbortSignal.abort());
    assert.equal(outcome.ok, false);
    assert.throws(() => readFileSync(marker));
  });
});

describe('exec: options', () => {
  it('describes its target, quoting arguments with spaces, and has a JSON identity', () => {
    const prober = exec({ command: ['sh', '-c', 'sleep 30 & sleep 30'] });
    assert.equal(prober.kind, 'exec');
    assert.equal(prober.componentType, 'system');
    assert.equal(prober.target, "exec:sh -c 'sleep 30 & sleep 30'");
    assert.equal(exec({ command: ['test', '-f', '/var/ready'] }).target, 'exec:test -f /var/ready');
    assert.equal(
      exec({ command: ['curl', 'http://db/?token=t0ken'] }).target,
      'exec:curl http://db/?token=***',
    );
    assert.equal(
      exec({ command: ['curl', '-H', 'Authorization: Bearer s3cret', 'http://db/'] }).target,
      "exec:curl -H 'Authorization: ***",
    );
    assert.deepEqual(prober.identity, {
      kind: 'exec',
      command: ['sh', '-c', 'sleep 30 & sleep 30'],
      env: {},
    });
  });

  for (const [options, message] of [
    [{ command: [] }, 'exec.command: must be a non-empty array of strings, got `[]` (array)'],
    [{ command: 'true' }, 'exec.command: must be a non-empty array of strings, got `"true"` (string)'],
    [{ command: ['sh', 1] }, 'exec.command[1]: must be a string, got `1` (number)'],
    [{ command: ['true'], env: { TOKEN: 42 } }, 'exec.env.TOKEN: must be a string, got `"number"` (string)'],
    [{ command: ['true'], cwd: '' }, 'exec.cwd: must be a non-empty path, got `""` (string)'],
    [
      { command: ['true'], shell: true },
      'exec.shell: is not an option (known: command, env, cwd), got `"shell"` (string)',
    ],
  ] as const) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      assert.throws(
        () => exec(options as never),
        (error: unknown) => error instanceof InvalidCheckError && error.message === message,
      );
    });
  }
});
