// HTTP, gRPC and TCP checks against targets that misbehave, at scale in the engine and end to end in the
// sidecar: each run ends by its timeout, each failure says what happened, and sockets, descriptors and memory
// all come back once the checks stop.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Engine, grpc, httpGet, type Prober, type RunRecord, tcpSocket } from '@probekit/core';
import { runProber } from '@probekit/core/internal';
import { kubeProbe, type Running, startServe, tempDir } from '../sidecar/helpers.js';
import { parseVerbose } from './support/answers.js';
import { canBlackhole, type HostileKind, hostileProcess } from './support/hostile.js';
import { activeResources, fdCount, rssKib, settle } from './support/proc.js';

type Kind = 'http' | 'grpc' | 'tcp';
/** `pass`, or what the failing check's reason must say. */
type Expected = 'pass' | RegExp;

// A second: on a loaded 2-core machine a hostile target's answer can reach us after half a second, and a run
// that ends past its timeout is a timeout however it ended (the contract).
const TIMEOUT_MS = 1000;
const TIMEOUT = /^timeout: no answer within 1s$/;
const PROTOCOL = /^not an HTTP\/2 server\? Protocol error$/;
const RESET = /ECONNRESET|socket hang up|the stream closed without a response/;
const MiB = 1024;

// What the kubelet would conclude, kind by kind: a TCP check only asks whether the port accepts.
const EXPECTED: Record<HostileKind, Record<Kind, Expected>> = {
  silent: { http: TIMEOUT, grpc: TIMEOUT, tcp: 'pass' },
  // A second of trickled bytes is enough for the HTTP/2 client to see they are not HTTP/2.
  trickle: { http: TIMEOUT, grpc: new RegExp(`${PROTOCOL.source}|${TIMEOUT.source}`), tcp: 'pass' },
  // The kubelet reads 10 KiB of a body and judges by the status: an endless 200 passes, quickly.
  'endless-body': { http: 'pass', grpc: PROTOCOL, tcp: 'pass' },
  'endless-headers': { http: /: Parse Error: Header overflow$/, grpc: PROTOCOL, tcp: 'pass' },
  reset: { http: RESET, grpc: RESET, tcp: /^pass$|ECONNRESET/ },
  // Random bytes can read as frames of unknown types, which HTTP/2 must skip: then the run times out instead.
  garbage: { http: /: Parse Error: /, grpc: new RegExp(`${PROTOCOL.source}|${TIMEOUT.source}`), tcp: 'pass' },
  'h2-silent': { http: /: Parse Error: /, grpc: TIMEOUT, tcp: 'pass' },
  'h2-endless': {
    http: /: Parse Error: /,
    grpc: /^response too large for a HealthCheckResponse$/,
    tcp: 'pass',
  },
  blackhole: { http: TIMEOUT, grpc: TIMEOUT, tcp: TIMEOUT },
};

const KINDS = Object.keys(EXPECTED).filter((kind) => kind !== 'blackhole' || canBlackhole()) as HostileKind[];

const PROBERS: Record<Kind, (port: number) => Prober> = {
  http: (port) => httpGet({ port }),
  grpc: (port) => grpc({ port }),
  tcp: (port) => tcpSocket({ port }),
};

function judge(expected: Expected, passing: boolean, output: string | undefined): string | undefined {
  if (expected === 'pass') return passing ? undefined : `expected to pass, failed: ${output}`;
  if (passing) return expected.test('pass') ? undefined : `expected ${expected}, passed`;
  return expected.test(output ?? '') ? undefined : `expected ${expected}, got ${output}`;
}

describe('hostile targets', () => {
  let targets: Awaited<ReturnType<typeof hostileProcess>>;
  const port = (kind: HostileKind) => targets.ports.get(kind)!;
  before(async () => {
    if (!canBlackhole()) console.warn('python3 not found: the black-hole target (SYNs dropped) is left out');
    targets = await hostileProcess(KINDS);
  });
  after(() => targets?.close());

  it('engine, 6 checks per target and kind: bounded runs, clear reasons, nothing left once stopped', async () => {
    const fdsBefore = fdCount();
    const socketsBefore = activeResources()['TCPSocketWrap'] ?? 0;
    const rssBefore = rssKib();
    const names = new Map<string, { target: HostileKind; kind: Kind }>();
    const checks = KINDS.flatMap((target) =>
      (Object.keys(PROBERS) as Kind[]).flatMap((kind) =>
        Array.from({ length: 6 }, (_, i) => {
          const name = `${target}-${kind}-${i}`;
          names.set(name, { target, kind });
          return {
            name,
            check: PROBERS[kind](port(target)),
            periodSeconds: 1.5,
            timeoutSeconds: TIMEOUT_MS / 1000,
            failureThreshold: 2,
          };
        }),
      ),
    );
    const engine = new Engine({ checks });
    // A run may end late only by what this process's event loop itself lagged.
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const runs: RunRecord[] = [];
    engine.on('run', (run) => runs.push(run));
    engine.start();
    let rssPeak = rssBefore;
    const deadline = performance.now() + 20_000;
    const ranThrice = () => {
      const counts = new Map<string, number>();
      for (const run of runs) counts.set(run.check, (counts.get(run.check) ?? 0) + 1);
      return checks.every((check) => (counts.get(check.name) ?? 0) >= 3);
    };
    while (!ranThrice() && performance.now() < deadline) {
      rssPeak = Math.max(rssPeak, rssKib());
      await sleep(100);
    }
    const snapshot = engine.snapshot();
    await engine.stop();

    const problems: string[] = [];
    lag.disable();
    const bound = TIMEOUT_MS + 200 + lag.max / 1e6;
    for (const run of runs) {
      if (run.durationMs > bound)
        problems.push(
          `${run.check}: a run took ${Math.round(run.durationMs)} ms (bound ${Math.round(bound)} ms)`,
        );
    }
    for (const [name, { target, kind }] of names) {
      const check = snapshot.byName.get(name)!;
      if (check.lastRunAt === undefined) problems.push(`${name}: never ran`);
      const passing = check.condition === 'passing' && !check.stale;
      const verdict = judge(EXPECTED[target][kind], passing, check.output);
      if (verdict) problems.push(`${name}: ${verdict}`);
    }
    assert.deepEqual(problems, []);
    assert.ok(rssPeak - rssBefore < 100 * MiB, `RSS grew by ${Math.round((rssPeak - rssBefore) / MiB)} MiB`);

    // Every connection a run opened is closed once its run ends: none is left after stop().
    const sockets = await settle(
      () => activeResources()['TCPSocketWrap'] ?? 0,
      (count) => count <= socketsBefore,
    );
    assert.ok(sockets <= socketsBefore, `${sockets - socketsBefore} sockets left open`);
    const fds = await settle(
      () => fdCount(),
      (count) => count <= fdsBefore,
    );
    assert.ok(fds <= fdsBefore, `${fds - fdsBefore} descriptors left open`);
  });

  it('grpc against a black hole closes its socket when the run times out', {
    skip: canBlackhole() ? false : 'needs python3 for the black-hole target',
  }, async () => {
    const socketsBefore = activeResources()['TCPSocketWrap'] ?? 0;
    const end = await runProber(grpc({ port: port('blackhole') }), 300);
    assert.equal(end.result, 'timeout');
    const sockets = await settle(
      () => activeResources()['TCPSocketWrap'] ?? 0,
      (count) => count <= socketsBefore,
      1000,
    );
    assert.ok(sockets <= socketsBefore, 'the connecting socket is still open');
  });

  describe('the sidecar, one check per target and kind', () => {
    const temp = tempDir();
    let sidecar: Running;
    before(async () => {
      const lines = [
        `defaults: { periodSeconds: 1.5, timeoutSeconds: ${TIMEOUT_MS / 1000}, failureThreshold: 1 }`,
        'checks:',
      ];
      for (const target of KINDS) {
        lines.push(`  - { name: ${target}-http, httpGet: { port: ${port(target)} } }`);
        lines.push(`  - { name: ${target}-grpc, grpc: { port: ${port(target)} } }`);
        lines.push(`  - { name: ${target}-tcp, tcpSocket: { port: ${port(target)} } }`);
      }
      const file = join(temp.dir, 'hostile.yaml');
      writeFileSync(file, `${lines.join('\n')}\n`);
      sidecar = await startServe(['--config', file]);
    });
    after(async () => {
      await sidecar?.kill();
      temp.remove();
    });

    it('answers at once with each reason, and its descriptors do not grow', async () => {
      const pid = sidecar.child.pid!;
      await sleep(2000);
      const fdsEarly = fdCount(pid);
      for (let round = 0; round < 20; round++) {
        const started = performance.now();
        const response = await kubeProbe(`${sidecar.url}/readyz?verbose`);
        assert.ok(performance.now() - started < 1000, 'a probe answered within its 1 s timeout');
        const parsed = parseVerbose(response.status, response.body, 'readyz');
        if (round === 19) {
          const problems: string[] = [];
          for (const target of KINDS) {
            for (const kind of Object.keys(PROBERS) as Kind[]) {
              const line = parsed.checks.get(`${target}-${kind}`);
              if (!line) problems.push(`${target}-${kind}: missing`);
              // A flapping tcp check against `reset` may read either way; the rest are settled.
              const verdict = line && judge(EXPECTED[target][kind], line.mark === '+', line.reason);
              if (verdict && !verdict.includes('stale')) problems.push(`${target}-${kind}: ${verdict}`);
            }
          }
          assert.deepEqual(problems, []);
        }
        await sleep(100);
      }
      // Runs keep opening and closing sockets; what is open at any moment must not creep up.
      const fdsLate = fdCount(pid);
      assert.ok(fdsLate <= fdsEarly + 10, `descriptors went from ${fdsEarly} to ${fdsLate}`);
    });
  });
});
