// createHealth(): the app's switches, metrics on the app's registry, events, and option validation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { register as globalRegistry, Registry } from 'prom-client';
import {
  type ChangeEvent,
  type CheckSpec,
  createHealth,
  type HealthOptions,
  InvalidCheckError,
  InvalidOptionError,
  METRIC_NAMES,
  manual,
  type TcpSocketOptions,
  tcpSocket,
} from '../src/index.js';

const quiet = { shutdown: false } as const;

function verbose(
  health: ReturnType<typeof createHealth>,
  path = '/readyz?verbose',
): { status: number; body: string } {
  const reply = health.answer({ url: path });
  assert.ok(reply, `${path} is a probe path`);
  return { status: reply.status, body: reply.body };
}

describe('createHealth', () => {
  it('with no checks: live, started and ready, with its own switches listed', () => {
    const health = createHealth(quiet);
    assert.deepEqual(verbose(health), {
      status: 200,
      body: '[+]ready-switch ok\n[+]shutdown ok\nreadyz check passed\n',
    });
    assert.equal(verbose(health, '/livez').status, 200);
    assert.equal(verbose(health, '/startupz').status, 200);
  });

  it("startup: 'manual' fails startup and readiness (starting) until markStarted(), which latches", () => {
    const health = createHealth({ ...quiet, startup: 'manual' });
    assert.deepEqual(verbose(health, '/startupz?verbose'), {
      status: 503,
      body: '[-]started failed: not started yet\nstartupz check failed\n',
    });
    assert.equal(verbose(health).status, 503);
    assert.match(verbose(health).body, /readyz check failed: starting\n$/);
    assert.equal(verbose(health, '/livez').status, 200, 'liveness never waits for startup');
    health.markStarted();
    assert.equal(verbose(health, '/startupz').status, 200);
    assert.equal(verbose(health).status, 200);
  });

  it("markStarted() does nothing in 'auto' mode", () => {
    const health = createHealth(quiet);
    health.markStarted();
    assert.equal(health.snapshot().byName.has('started'), false);
  });

  it('setNotReady(reason) fails readiness only, with the reason; setReady() undoes it', () => {
    const health = createHealth(quiet);
    health.setNotReady('maintenance: reindexing');
    const since = new Date(health.snapshot().byName.get('ready-switch')?.since ?? 0)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    assert.deepEqual(verbose(health), {
      status: 503,
      body: `[-]ready-switch failed: maintenance: reindexing (failing since ${since}, 1 in a row)\n[+]shutdown ok\nreadyz check failed\n`,
    });
    assert.equal(verbose(health, '/livez').status, 200);
    health.setReady();
    assert.equal(verbose(health).status, 200);
    assert.throws(() => health.setNotReady(''), { code: 'PROBEKIT_INVALID_OPTION', path: 'reason' });
  });

  it('forwards the engine’s change events', () => {
    const health = createHealth({ ...quiet, checks: [{ name: 'db', check: manual() }] });
    const events: ChangeEvent[] = [];
    health.on('change', (event) => events.push(event));
    health.engine.report('db', true);
    assert.deepEqual(events, [
      { type: 'check', check: 'db', from: 'unknown', to: 'passing' },
      { type: 'probe', probe: 'readiness', from: 'fail', to: 'pass', checks: ['db'] },
    ]);
  });

  it('registers the metrics on the registry the app passes, never on the global one', async () => {
    const registry = new Registry();
    const health = createHealth({
      ...quiet,
      metrics: { registry },
      checks: [{ name: 'db', check: manual() }],
    });
    health.engine.report('db', false);
    assert.equal(health.registry, registry);
    const text = await registry.metrics();
    for (const name of METRIC_NAMES) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'));
    assert.match(text, /^probekit_check_up\{check="db"\} 0$/m);
    assert.match(text, /^probekit_check_up\{check="shutdown"\} 1$/m);
    assert.equal(globalRegistry.getSingleMetric('probekit_check_up'), undefined);
    assert.equal(createHealth(quiet).registry, undefined);
  });

  it('a refused health registers nothing, so the app can retry with the same registry', () => {
    const registry = new Registry();
    assert.throws(
      () => createHealth({ ...quiet, metrics: { registry }, checks: [{ name: 'Bad', check: manual() }] }),
      {
        code: 'PROBEKIT_INVALID_CHECK',
      },
    );
    assert.throws(() => createHealth({ metrics: { registry }, shutdown: { servers: [{} as never] } }), {
      path: 'shutdown.servers[0]',
    });
    assert.equal(registry.getMetricsAsArray().length, 0);
    createHealth({ ...quiet, metrics: { registry } });
  });

  it('puts details behind a token, and never shows the token', () => {
    const token = 'tok-123';
    const health = createHealth({
      ...quiet,
      details: { token },
      checks: [{ name: 'api', check: manual() }],
    });
    health.engine.report('api', { ok: false, output: `401 with Bearer ${token}` });
    assert.equal(health.answer({ url: '/readyz?verbose' })?.body, 'readyz check failed\n');
    const shown = health.answer({ url: '/readyz?verbose', authorization: `Bearer ${token}` })?.body ?? '';
    assert.match(shown, /^\[-\]api failed: 401 with Bearer /m);
    assert.doesNotMatch(shown, /tok-123/);
  });

  it('start() is idempotent and installs the signal handlers; stop() removes them', async () => {
    const before = process.listenerCount('SIGTERM');
    const health = createHealth({ shutdown: { exit: false }, logger: { info() {}, warn() {}, error() {} } });
    health.start().start();
    assert.equal(health.engine.started, true);
    assert.equal(process.listenerCount('SIGTERM'), before + 1);
    await health.stop();
    assert.equal(process.listenerCount('SIGTERM'), before);
    assert.equal(health.engine.started, false);
  });

  const invalid: [string, HealthOptions | unknown, string][] = [
    ['unknown option', { check: [] }, 'options.check'],
    ['reserved check name', { checks: [{ name: 'shutdown', check: manual() }] }, 'checks[0].name'],
    ['startup mode', { startup: 'later' }, 'startup'],
    ['details', { details: 'yes' }, 'details'],
    ['empty token', { details: { token: '' } }, 'details.token'],
    ['metrics registry', { metrics: { registry: {} } }, 'metrics.registry'],
    ['metrics true', { metrics: true }, 'metrics'],
    ['secrets', { secrets: 'x' }, 'secrets'],
    ['logger', { logger: console.log }, 'logger'],
    ['shutdown typo', { shutdown: { drainDelay: 3 } }, 'shutdown.drainDelay'],
    ['negative drain', { shutdown: { drainDelaySeconds: -1 } }, 'shutdown.drainDelaySeconds'],
    [
      'grace not above drain',
      { shutdown: { drainDelaySeconds: 10, graceSeconds: 10 } },
      'shutdown.graceSeconds',
    ],
    ['uncatchable signal', { shutdown: { signals: ['SIGKILL'] } }, 'shutdown.signals[0]'],
    ['hook', { shutdown: { afterClose: ['close'] } }, 'shutdown.afterClose[0]'],
    ['server', { shutdown: { servers: [{}] } }, 'shutdown.servers[0]'],
    ['exit', { shutdown: { exit: 0 } }, 'shutdown.exit'],
    ['no concurrent runs', { maxConcurrentRuns: 0 }, 'maxConcurrentRuns'],
    ['fractional concurrent runs', { maxConcurrentRuns: 1.5 }, 'maxConcurrentRuns'],
  ];
  for (const [what, options, path] of invalid) {
    it(`refuses an invalid option (${what}) naming ${path}`, () => {
      assert.throws(
        () => createHealth(options as HealthOptions),
        (error: unknown) => {
          assert.ok(error instanceof InvalidOptionError);
          assert.equal(error.code, 'PROBEKIT_INVALID_OPTION');
          assert.equal(error.path, path);
          assert.ok(error.message.startsWith(`${path}: `), error.message);
          return true;
        },
      );
    });
  }

  it('refuses a typo anywhere with a suggestion: an option, a check’s field, a kind’s option', () => {
    const check = async () => {};
    const typos: [() => unknown, new (...args: never[]) => Error, string][] = [
      [
        () => createHealth({ maxConcurentRuns: 4 } as HealthOptions),
        InvalidOptionError,
        'options.maxConcurentRuns: is not an option (did you mean maxConcurrentRuns?)',
      ],
      [
        () => createHealth({ shutdown: { drainDelaySecond: 3 } } as HealthOptions),
        InvalidOptionError,
        'shutdown.drainDelaySecond: is not an option (did you mean drainDelaySeconds?)',
      ],
      // Dropped in silence before: the check ran every 10 s.
      [
        () => createHealth({ checks: [{ name: 'db', check, periodSecond: 5 } as CheckSpec] }),
        InvalidCheckError,
        'checks[0].periodSecond: is not an option (did you mean periodSeconds?)',
      ],
      [
        () => createHealth({ checks: [{ name: 'db', check, critcal: false } as CheckSpec] }),
        InvalidCheckError,
        'checks[0].critcal: is not an option (did you mean critical?)',
      ],
      [
        () => tcpSocket({ prot: 5432 } as unknown as TcpSocketOptions),
        InvalidCheckError,
        'tcpSocket.prot: is not an option (did you mean port?)',
      ],
    ];
    for (const [create, type, message] of typos) {
      assert.throws(create, (error: unknown) => {
        assert.ok(error instanceof type, String(error));
        assert.ok(error.message.startsWith(`${message},`), error.message);
        return true;
      });
    }
    // No guess when nothing is close: the known names instead.
    assert.throws(() => createHealth({ colour: 'red' } as HealthOptions), {
      message: /^options\.colour: is not an option \(known: checks, /,
    });
  });

  it('never echoes a token in an error', () => {
    assert.throws(() => createHealth({ details: { token: 42 as unknown as string } }), /got `"number"`/);
  });
});
