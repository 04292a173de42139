// Graceful shutdown of a real child process under load: SIGTERM, readiness 503 first, no failed request,
// exit 0 within the grace; a hanging hook ends by the grace; a second signal ends it at once.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent } from 'node:http';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from '../../packages/sdk/test/request.js';

const FIXTURE = new URL('./fixtures/shutdown-app.mjs', import.meta.url).pathname;

interface Child {
  readonly process: ChildProcess;
  readonly port: number;
  /** stderr lines so far (the SDK's JSON log lines). */
  readonly log: string[];
  /** Resolves with the first stderr line matching. */
  logged(pattern: RegExp): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

async function start(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    log.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    at: performance.now(),
  }));
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line'),
    exited.then(() => {
      throw new Error(`the fixture exited before listening:\n${log.join('\n')}`);
    }),
  ])) as [string];
  const port = Number(/^listening (\d+)$/.exec(line)?.[1]);
  return {
    process: child,
    port,
    log,
    exited,
    logged: (pattern) => {
      const seen = log.find((l) => pattern.test(l));
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}

for (const app of ['fastify', 'http'] as const) {
  describe(`graceful shutdown (${app === 'http' ? 'bare http.Server' : 'fastify'})`, () => {
    it('SIGTERM under load: readiness 503 first, every request served, server closed, exit 0 within the grace', async () => {
      const grace = 10;
      const child = await start({ APP: app, DRAIN: '1.5', GRACE: String(grace) });
      assert.equal((await request(child.port, { path: '/readyz' })).status, 200);

      // Keep-alive load, like a load balancer's pooled connections; it stops (as the LB would) soon after
      // it sees readiness fail.
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const failures: string[] = [];
      let served = 0;
      let servedAfterNotReady = 0;
      let notReadyAt: number | undefined;
      let stopLoad = false;
      const worker = async () => {
        while (!stopLoad) {
          try {
            const reply = await request(child.port, { path: '/work?ms=5', agent });
            if (reply.status !== 200 || reply.body !== 'done') failures.push(`${reply.status} ${reply.body}`);
            served++;
            if (notReadyAt !== undefined) servedAfterNotReady++;
          } catch (error) {
            failures.push(String(error));
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);

      // The kubelet's view: fresh connections to /readyz until the server stops accepting.
      const probes: ('ready' | 'not ready' | 'refused')[] = [];
      const poller = (async () => {
        for (;;) {
          const outcome = await request(child.port, { path: '/readyz' }).then(
            (reply) => (reply.status === 200 ? 'ready' : 'not ready'),
            (error: NodeJS.ErrnoException) => {
              // Refused once the listener closed; a probe connection caught by close() itself is reset.
              if (error.code !== 'ECONNREFUSED' && error.code !== 'ECONNRESET') throw error;
              return 'refused' as const;
            },
          );
          if (probes.at(-1) !== outcome) probes.push(outcome);
          if (outcome === 'not ready') notReadyAt ??= performance.now();
          if (outcome === 'refused') return;
          await sleep(5);
        }
      })();

      while (served < 200) await sleep(10);
      const killedAt = performance.now();
      child.process.kill('SIGTERM');
      // The log line comes after the flip: a probe sent once it is written must already fail.
      await child.logged(/"msg":"shutting down \(SIGTERM\)/);
      assert.equal((await request(child.port, { path: '/readyz' })).status, 503);
      assert.equal(
        (await request(child.port, { path: '/livez' })).status,
        200,
        'liveness stays up during the drain',
      );

      while (notReadyAt === undefined) await sleep(5);
      await sleep(100);
      // Still in flight when the drain ends and the server closes: it must complete.
      const longRequest = request(child.port, { path: '/work?ms=1600', agent });
      await sleep(20);
      stopLoad = true;
      await Promise.all(workers);

      const exit = await child.exited;
      await poller;
      agent.destroy();
      assert.deepEqual(failures, []);
      const long = await longRequest;
      assert.deepEqual({ status: long.status, body: long.body }, { status: 200, body: 'done' });
      assert.ok(servedAfterNotReady > 0, 'the app kept serving after readiness failed');
      assert.deepEqual(
        probes,
        ['ready', 'not ready', 'refused'],
        'readiness failed before the server closed',
      );
      assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });
      assert.ok(exit.at - killedAt < grace * 1000, 'exited within the grace');
      const last = JSON.parse(child.log.at(-1) ?? '{}') as {
        level?: string;
        msg?: string;
        exitCode?: number;
      };
      assert.equal(last.level, 'info');
      assert.match(last.msg ?? '', /^shutdown done in \d+ms; exiting 0$/);
    });

    it('a hook that hangs cannot keep the process alive past the grace: exit 1', async () => {
      const child = await start({ APP: app, DRAIN: '0.1', GRACE: '1', HOOK: 'hang', HOOK_TIMEOUT: '60' });
      const killedAt = performance.now();
      child.process.kill('SIGTERM');
      const exit = await child.exited;
      assert.equal(exit.code, 1);
      // Bounded by the grace (1 s) plus process teardown, far below the hook's own 60 s timeout.
      assert.ok(exit.at - killedAt < 10_000);
      const last = JSON.parse(child.log.at(-1) ?? '{}') as { level?: string; msg?: string };
      assert.equal(last.level, 'error');
      assert.match(
        last.msg ?? '',
        /^shutdown forced: the grace of 1s ran out while beforeClose; .*exiting 1$/,
      );
    });

    it('a second signal ends the process at once: exit 130 after SIGINT (128 + its number)', async () => {
      const child = await start({ APP: app, DRAIN: '60', GRACE: '120' });
      child.process.kill('SIGTERM');
      await child.logged(/"msg":"shutting down \(SIGTERM\)/);
      child.process.kill('SIGINT');
      // A drain of 60 s would outlast this test's timeout: only the forced path gets here.
      const exit = await child.exited;
      assert.equal(exit.code, 130);
      const last = JSON.parse(child.log.at(-1) ?? '{}') as { msg?: string };
      assert.match(last.msg ?? '', /^shutdown forced: a second signal \(SIGINT\) arrived; .*exiting 130$/);
    });
  });
}
