import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { register as globalRegistry, Registry } from 'prom-client';
import { manual } from '../src/checks/manual.js';
import { Engine } from '../src/engine.js';
import { METRIC_NAMES, registerMetrics } from '../src/metrics.js';
import { VERSION } from '../src/version.js';

/** `name{labels} value` lines of an exposition, keyed by the series. */
function parse(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

describe('metrics', () => {
  it('exposes the contract metrics with values after known runs, on the given registry only', async (t) => {
    let calls = 0;
    const engine = new Engine({
      random: () => 0,
      checks: [
        {
          name: 'flaky',
          periodSeconds: 0.03,
          timeoutSeconds: 0.05,
          failureThreshold: 1,
          check: async () => {
            calls++;
            if (calls === 2) throw new Error('second run fails');
            if (calls === 3) await sleep(200);
            return undefined;
          },
        },
        { name: 'gate', check: manual(), probes: ['liveness'] },
      ],
    });
    const registry = new Registry();
    const unregister = registerMetrics(registry, engine);
    t.after(() => engine.stop());
    const runs: string[] = [];
    engine.on('run', (run) => {
      if (run.check === 'flaky') runs.push(run.result);
    });
    engine.report('gate', false);
    engine.start();
    while (runs.length < 4) await sleep(5);
    await engine.stop();

    const text = await registry.metrics();
    const series = parse(text);
    for (const name of METRIC_NAMES) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    assert.equal(series.get(`probekit_build_info{version="${VERSION}"}`), 1);
    const count = (result: string) => runs.filter((r) => r === result).length;
    assert.equal(series.get('probekit_check_runs_total{check="flaky",result="success"}'), count('success'));
    assert.equal(series.get('probekit_check_runs_total{check="flaky",result="failure"}'), 1);
    assert.equal(series.get('probekit_check_runs_total{check="flaky",result="timeout"}'), 1);
    assert.equal(series.get('probekit_check_duration_seconds_count{check="flaky"}'), runs.length);
    assert.equal(series.get('probekit_check_up{check="flaky"}'), runs.at(-1) === 'success' ? 1 : 0);
    assert.equal(series.get('probekit_check_up{check="gate"}'), 0);
    assert.equal(series.get('probekit_probe_up{probe="liveness"}'), 0);
    assert.equal(series.get('probekit_probe_up{probe="startup"}'), 1);
    const lastSuccess = series.get('probekit_check_last_success_timestamp_seconds{check="flaky"}') ?? 0;
    assert.ok(Math.abs(lastSuccess - Date.now() / 1000) < 5);
    assert.equal(series.has('probekit_check_last_success_timestamp_seconds{check="gate"}'), false);
    assert.equal(
      series.get(
        'probekit_check_info{check="flaky",kind="function",probes="readiness",critical="true",scope="local"}',
      ),
      1,
    );
    assert.equal(
      series.get(
        'probekit_check_info{check="gate",kind="manual",probes="liveness",critical="true",scope="local"}',
      ),
      1,
    );
    const failures = engine.snapshot().byName.get('flaky')?.consecutiveFailures;
    assert.equal(series.get('probekit_check_consecutive_failures{check="flaky"}'), failures);
    assert.equal(series.get('probekit_check_consecutive_failures{check="gate"}'), 1);
    for (const name of ['flaky', 'gate']) {
      assert.equal(
        series.get(`probekit_check_last_transition_timestamp_seconds{check="${name}"}`),
        (engine.snapshot().byName.get(name)?.since ?? 0) / 1000,
        name,
      );
    }
    assert.equal(
      (await globalRegistry.metrics()).includes('probekit_'),
      false,
      'the global registry is untouched',
    );
    const labels = new Set([...text.matchAll(/(\w+)="/g)].map((m) => m[1]));
    assert.deepEqual([...labels].sort(), [
      'check',
      'critical',
      'kind',
      'le',
      'probe',
      'probes',
      'result',
      'scope',
      'version',
    ]);

    unregister();
    assert.equal((await registry.metrics()).trim(), '');
  });

  it('forgets the series of a removed check', async () => {
    const engine = new Engine({
      checks: [
        { name: 'a', check: manual() },
        { name: 'b', check: manual() },
      ],
    });
    const registry = new Registry();
    registerMetrics(registry, engine);
    engine.report('a', true);
    engine.report('b', true);
    engine.setChecks([{ name: 'a', check: manual() }]);
    const text = await registry.metrics();
    assert.match(text, /check="a"/);
    assert.doesNotMatch(text, /check="b"/);
  });
});
