// A real Prometheus scrapes the real binary on loopback; promtool lints the page it serves.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { kubeProbe, startServe, tcpTarget, tempDir, until } from './helpers.js';

const missing = ['prometheus', 'promtool'].filter(
  (tool) => spawnSync(tool, ['--version']).error !== undefined,
);
if (missing.length > 0 && process.env['CI'] === 'true')
  throw new Error(`${missing.join(' and ')} missing (apt-get install prometheus)`);
const skip =
  missing.length > 0 ? `SKIPPED: ${missing.join(' and ')} not installed (apt-get install prometheus)` : false;
if (skip) console.warn(skip);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe('Prometheus', { skip }, () => {
  it('scrapes probekit_check_up and the scrape is up; promtool check metrics passes', async (t) => {
    const temp = tempDir('probekit-prom-');
    t.after(() => temp.remove());
    const startedAt = Date.now();
    const db = await tcpTarget();
    t.after(() => db.close());
    const sidecar = await startServe([
      '--check',
      `tcp://127.0.0.1:${db.port}`,
      '--check',
      'tcp://127.0.0.1:1',
    ]);
    t.after(() => sidecar.kill());

    const page = await kubeProbe(`${sidecar.url}/metrics`);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: page.body, encoding: 'utf8' });
    assert.equal(lint.status, 0, `promtool check metrics:\n${lint.stdout}${lint.stderr}`);

    const port = await freePort();
    const target = new URL(sidecar.url).host;
    const config = temp.write(
      'prometheus.yml',
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: probekit\n    static_configs: [{ targets: ["${target}"] }]\n`,
    );
    const prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${temp.dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    prometheus.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
    });
    const exited = new Promise((resolve) => prometheus.once('exit', resolve));
    t.after(async () => {
      prometheus.kill('SIGKILL');
      await exited;
    });

    const query = async (expression: string): Promise<Sample[] | false> => {
      try {
        const response = await kubeProbe(
          `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expression)}`,
        );
        const body = JSON.parse(response.body) as { status: string; data: { result: Sample[] } };
        return body.status === 'success' && body.data.result.length > 0 ? body.data.result : false;
      } catch {
        return false; // not listening yet
      }
    };
    const up = await until(() => query('up{job="probekit"}'), 20_000, 250).catch((error: Error) =>
      assert.fail(`${error.message}; prometheus log:\n${log}`),
    );
    assert.equal(up[0]?.value[1], '1');
    const checks = await until(() => query('probekit_check_up'), 20_000, 250);
    const byCheck = Object.fromEntries(checks.map((sample) => [sample.metric['check'], sample.value[1]]));
    assert.deepEqual(Object.keys(byCheck).sort(), [`tcp-127.0.0.1-${db.port}`, 'tcp-127.0.0.1-1'].sort());
    // Both have run once by now (first run within 1 s); the refused one is still below its failure
    // threshold, which readiness reads as failing: 0. The listening one passes: 1.
    await until(
      async () => {
        const now = await query('probekit_check_up');
        const values = now
          ? Object.fromEntries(now.map((sample) => [sample.metric['check'], sample.value[1]]))
          : {};
        return values[`tcp-127.0.0.1-${db.port}`] === '1' && values['tcp-127.0.0.1-1'] === '0';
      },
      20_000,
      250,
    );
    const build = await until(() => query('probekit_build_info'), 5_000, 250);
    assert.match(build[0]?.metric['version'] ?? '', /^\d+\.\d+\.\d+/);

    // Explaining a state: the definition as labels, the failures in a row, the time of the last change.
    const info = await until(() => query('probekit_check_info'), 5_000, 250);
    const definitions = Object.fromEntries(
      info.map(({ metric: { check, kind, probes, critical, scope }, value }) => [
        check,
        { kind, probes, critical, scope, value: value[1] },
      ]),
    );
    for (const check of [`tcp-127.0.0.1-${db.port}`, 'tcp-127.0.0.1-1']) {
      assert.deepEqual(definitions[check ?? ''], {
        kind: 'tcpSocket',
        probes: 'readiness',
        critical: 'true',
        scope: 'local',
        value: '1',
      });
    }
    const refused = await until(
      async () => {
        const samples = await query('probekit_check_consecutive_failures{check="tcp-127.0.0.1-1"} >= 1');
        return samples ? samples[0] : undefined;
      },
      20_000,
      250,
    );
    assert.ok(Number(refused.value[1]) >= 1);
    const listening = await until(
      () => query(`probekit_check_consecutive_failures{check="tcp-127.0.0.1-${db.port}"}`),
      5_000,
      250,
    );
    assert.equal(listening[0]?.value[1], '0');
    const transitions = await until(
      () => query('probekit_check_last_transition_timestamp_seconds'),
      5_000,
      250,
    );
    assert.equal(transitions.length, 2);
    for (const sample of transitions) {
      const at = Number(sample.value[1]);
      assert.ok(at >= startedAt / 1000 - 1 && at <= Date.now() / 1000, `${sample.metric['check']}: ${at}`);
    }
  });
});
