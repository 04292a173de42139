// The shutdown sequence in-process (exit: false), against a real http.Server: order, hooks, grace, signals.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer, type Server } from 'node:http';
import { constants } from 'node:os';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { healthPlugin } from '../src/adapters/fastify.js';
import { createHandler } from '../src/adapters/node.js';
import {
  createHealth,
  type Health,
  type HealthOptions,
  type Logger,
  type ShutdownOptions,
} from '../src/index.js';
import { portOf, request } from './request.js';

interface Logged {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

function memoryLogger(): Logger & { lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, message, fields });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

interface App {
  readonly health: Health;
  readonly server: Server;
  readonly port: number;
  readonly logger: ReturnType<typeof memoryLogger>;
  readonly events: string[];
}

// The test's signal. Not SIGUSR2: Node 24's test runner starts each test file's process with
// report-on-signal on, so SIGUSR2 already has the runtime's listener there (and writes a report file).
const SIGNAL = 'SIGURG';

// An app whose /slow?ms=N answers after N ms, /hang never, with probes through the node handler.
// Closed after the test whatever its outcome: a failed assertion must not leave a server holding the process.
async function app(
  t: TestContext,
  shutdown: ShutdownOptions,
  extra: Partial<HealthOptions> = {},
): Promise<App> {
  const logger = memoryLogger();
  const events: string[] = [];
  const health = createHealth({ shutdown: { exit: false, signals: [], ...shutdown }, logger, ...extra });
  const handle = createHandler(health);
  const server = createServer((req, res) => {
    if (handle(req, res) || req.url === '/hang') return;
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(() => res.end('done'), ms);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    server.close();
    await health.stop();
  });
  health.attach(server);
  health.on('shutdown', ({ phase }) => events.push(phase));
  server.on('close', () => events.push('server closed'));
  return { health, server, port: portOf(server), logger, events };
}

describe('shutdown sequence', () => {
  it('fails readiness at once, keeps serving through the drain, then hooks, close, hooks, stop — in that order', async (t) => {
    const a = await app(t, { drainDelaySeconds: 0.3 });
    a.health.onShutdown('beforeClose', async () => {
      a.events.push(`beforeClose hook (listening: ${a.server.listening})`);
    });
    a.health.onShutdown('afterClose', () => {
      a.events.push(`afterClose hook (listening: ${a.server.listening})`);
    });
    assert.equal((await request(a.port, { path: '/readyz' })).status, 200);
    assert.equal((await request(a.port, { path: '/livez' })).status, 200);

    const done = a.health.shutdown('test');
    assert.equal(a.health.shuttingDown, true);
    // No await between the call and this answer: readiness failed synchronously.
    const ready = a.health.answer({ url: '/readyz?verbose' });
    assert.equal(ready?.status, 503);
    assert.match(ready?.body ?? '', /^\[-\]shutdown failed: process is shutting down\b/m);
    assert.equal(a.health.answer({ url: '/livez' })?.status, 200, 'liveness must not fail during a drain');

    // During the drain the app still serves, and tells keep-alive clients to go.
    const during = await request(a.port, { path: '/work' });
    assert.equal(during.status, 200);
    assert.equal(during.headers.connection, 'close');
    assert.equal((await request(a.port, { path: '/readyz' })).status, 503);

    const result = await done;
    assert.deepEqual(result, {
      reason: 'test',
      exitCode: 0,
      forced: false,
      durationMs: result.durationMs,
      failures: [],
    });
    assert.deepEqual(a.events, [
      'draining',
      'beforeClose',
      'beforeClose hook (listening: true)',
      'closing',
      'server closed',
      'afterClose',
      'afterClose hook (listening: false)',
      'stopping',
    ]);
    assert.equal(a.health.engine.started, false);
    const last = a.logger.lines.at(-1);
    assert.equal(last?.level, 'info');
    assert.match(last?.message ?? '', /^shutdown done in \d+ms; exit code 0$/);
  });

  it('lets in-flight requests finish and closes keep-alive connections', async (t) => {
    const a = await app(t, { drainDelaySeconds: 0.05 });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    try {
      // An idle keep-alive socket, and a request still running when the server closes.
      await request(a.port, { path: '/work', agent });
      assert.equal(agent.freeSockets[`127.0.0.1:${a.port}:`]?.length, 1);
      const slow = request(a.port, { path: '/slow?ms=400', agent });
      await sleep(50);
      const result = await a.health.shutdown('test');
      const reply = await slow;
      assert.equal(reply.status, 200);
      assert.equal(reply.body, 'done');
      assert.equal(result.exitCode, 0);
      assert.equal(a.server.listening, false);
    } finally {
      agent.destroy();
    }
  });

  it('a hook that throws or outlives its timeout is aborted, logged, and makes the exit code 1', async (t) => {
    const a = await app(t, { drainDelaySeconds: 0, hookTimeoutSeconds: 0.1 });
    let aborted: unknown;
    a.health.onShutdown('beforeClose', async function stuck(signal) {
      await once(signal, 'abort');
      aborted = signal.reason;
      await new Promise(() => {});
    });
    a.health.onShutdown('afterClose', () => {
      throw new Error('pool already closed');
    });
    let ranAfter = false;
    a.health.onShutdown('afterClose', () => {
      ranAfter = true;
    });
    const result = await a.health.shutdown('test');
    assert.equal(result.exitCode, 1);
    assert.equal(result.forced, false);
    assert.deepEqual(result.failures, [
      'beforeClose hook stuck: timed out after 0.1s',
      'afterClose hook #1: pool already closed',
    ]);
    assert.ok(aborted instanceof Error);
    assert.equal(ranAfter, true, 'one failed hook does not skip the next');
    assert.equal(a.server.listening, false);
  });

  it('the grace bounds everything: a hanging hook is cut off and connections are destroyed', async (t) => {
    const a = await app(t, { drainDelaySeconds: 0, graceSeconds: 0.3, hookTimeoutSeconds: 60 });
    a.health.onShutdown('beforeClose', () => new Promise(() => {}));
    const hanging = request(a.port, { path: '/hang' }).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await sleep(30);
    const result = await a.health.shutdown('test');
    assert.equal(result.forced, true);
    assert.equal(result.exitCode, 1);
    assert.equal(await hanging, 'ECONNRESET');
    const last = a.logger.lines.at(-1);
    assert.equal(last?.level, 'error');
    assert.match(
      last?.message ?? '',
      /^shutdown forced: the grace of 0.3s ran out while beforeClose; .*exit code 1$/,
    );
  });

  // The runtime may listen too (see SIGNAL): counts are taken against what was there before.
  it('starts on a configured signal, and a second signal forces the end at once', {
    timeout: 10_000,
  }, async (t) => {
    const before = process.listeners(SIGNAL);
    const a = await app(t, { signals: [SIGNAL], drainDelaySeconds: 30, graceSeconds: 60 });
    a.health.start();
    assert.equal(process.listenerCount(SIGNAL), before.length + 1);
    const draining = once(a.health, 'shutdown');
    process.kill(process.pid, SIGNAL);
    assert.deepEqual(await draining, [{ phase: 'draining', reason: SIGNAL }]);
    assert.equal(a.health.answer({ url: '/readyz' })?.status, 503);
    const result = a.health.shutdown();
    process.kill(process.pid, SIGNAL);
    const ended = await result;
    assert.equal(ended.forced, true);
    assert.equal(
      ended.exitCode,
      128 + constants.signals[SIGNAL],
      'a second signal ends with 128 + its number',
    );
    assert.equal(ended.reason, SIGNAL);
    assert.match(a.logger.lines.at(-1)?.message ?? '', new RegExp(`a second signal \\(${SIGNAL}\\) arrived`));
    assert.deepEqual(process.listeners(SIGNAL), before, 'handlers are removed once done');
  });

  it('warns when the app listens to the same signal, and stop() removes its handlers', async (t) => {
    const before = process.listeners(SIGNAL);
    const mine = () => {};
    process.on(SIGNAL, mine);
    t.after(() => process.off(SIGNAL, mine));
    const a = await app(t, { signals: [SIGNAL] });
    a.health.start();
    assert.equal(process.listenerCount(SIGNAL), before.length + 2);
    assert.match(a.logger.lines[0]?.message ?? '', new RegExp(`another ${SIGNAL} listener is installed`));
    await a.health.stop();
    assert.deepEqual(process.listeners(SIGNAL), [...before, mine]);
  });

  it('closes a fastify app through app.close(), over HTTP/2 too, once whether attached as app or server', async (t) => {
    for (const http2 of [false, true]) {
      const health = createHealth({
        shutdown: { exit: false, signals: [], drainDelaySeconds: 0 },
        logger: memoryLogger(),
      });
      // One type for both: the test only uses what the two have in common.
      const app = (http2 ? Fastify({ http2: true }) : Fastify()) as unknown as FastifyInstance;
      t.after(() => app.close());
      let closedByApp = 0;
      app.addHook('onClose', async () => {
        closedByApp++;
      });
      await app.register(healthPlugin, { health });
      health.attach(app.server);
      await app.listen({ port: 0, host: '127.0.0.1' });
      assert.equal(health.engine.started, true);
      const result = await health.shutdown();
      assert.equal(result.exitCode, 0, `http2: ${http2}`);
      assert.equal(app.server.listening, false);
      assert.equal(closedByApp, 1);
      assert.equal(health.engine.started, false);
    }
  });

  it('warns when no server is attached, and still completes', async () => {
    const logger = memoryLogger();
    const health = createHealth({ shutdown: { exit: false, signals: [], drainDelaySeconds: 0 }, logger });
    const result = await health.shutdown();
    assert.equal(result.exitCode, 0);
    assert.equal(result.reason, 'shutdown() was called');
    assert.ok(
      logger.lines.some((line) => line.level === 'warn' && /no server is attached/.test(line.message)),
    );
    assert.equal(await health.shutdown(), result, 'a second call gets the same result');
  });
});
