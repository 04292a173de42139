// The benchmark harness tells the truth about what it measures: the sidecar reads YAML as users write it, a
// reaction outside its window on either side fails, the open-loop generator charges a stall to the requests
// queued behind it, and the documents list every target with its figure.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { mixedChecks, sidecarYaml } from '../../bench/lib/config.js';
import { fillMarkers, type Run, targetsTable } from '../../bench/lib/document.js';
import { openLoop } from '../../bench/lib/openloop.js';
import type { SectionResult } from '../../bench/lib/report.js';
import { withinWindow } from '../../bench/sections/reaction.js';
import { httpTarget, runCli, tempDir } from '../sidecar/helpers.js';

describe('bench harness', () => {
  it('writes the sidecar config as YAML in block style, 4 tcpSocket, 3 httpGet and 3 exec checks the sidecar runs', async () => {
    const target = await httpTarget();
    const dir = tempDir('probekit-bench-');
    try {
      const text = sidecarYaml({ checks: mixedChecks(10), targetPort: target.port, periodSeconds: 5 });
      // JSON is YAML too, but a JSON file skips most of the YAML parser every real user loads.
      assert.throws(() => JSON.parse(text));
      assert.doesNotMatch(text, /[{}]/);
      const count = (key: string) => text.split('\n').filter((line) => line === `    ${key}:`).length;
      assert.deepEqual([count('tcpSocket'), count('httpGet'), count('exec')], [4, 3, 3]);
      const run = await runCli(['check', '--config', dir.write('probekit.yaml', text)]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      for (const name of ['database-3', 'api-2', 'ready-file-2']) assert.match(run.stdout, new RegExp(name));
    } finally {
      dir.remove();
      await target.close();
    }
  });

  it('judges a reaction on both bounds: an engine that answered 503 after the first failure does not pass', () => {
    const period = 1000;
    const floor = 2 * period; // failureThreshold 3
    const bound = 3 * period;
    assert.equal(withinWindow([2400, 2950], floor, bound), true);
    assert.equal(withinWindow([2400, 600], floor, bound), false, 'one reaction after the first failure');
    assert.equal(withinWindow([3400], floor, bound), false, 'later than 1.1 × the bound');
    assert.equal(withinWindow([], floor, bound), false, 'nothing measured is not a pass');
  });

  it('charges a stalled server for every request that fell due during the stall (open loop)', async () => {
    let answered = 0;
    const server = http.createServer((_request, response) => {
      // One 500 ms stall a second in: a closed loop would wait it out and send nothing meanwhile.
      if (++answered === 200) {
        const until = performance.now() + 500;
        while (performance.now() < until);
      }
      response.writeHead(200, { 'content-length': '2' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const result = await openLoop({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        path: '/',
        rate: 200,
        seconds: 2,
        warmupSeconds: 0,
        connections: 16,
      });
      assert.equal(result.non200 + result.errors, 0);
      // ~100 requests fell due during the stall, waiting 0–500 ms each: well over a tenth of the 400.
      assert.ok(result.p90Ms >= 100, `p90 ${result.p90Ms} ms`);
      assert.ok(result.maxMs >= 400, `max ${result.maxMs} ms`);
      assert.ok(result.completed >= 300, `${result.completed} answered`);
    } finally {
      server.close();
    }
  });

  it('fills the markers it knows and leaves the others', () => {
    const text = 'a <!-- bench:x -->old<!-- /bench --> b <!-- bench:y -->\nkeep\n<!-- /bench -->';
    assert.equal(
      fillMarkers(text, new Map([['x', '×1.05 ✔']])),
      'a <!-- bench:x -->×1.05 ✔<!-- /bench --> b <!-- bench:y -->\nkeep\n<!-- /bench -->',
    );
  });

  it('lists every target, the missed and the unmeasured ones too, on each node binary', () => {
    const section = (met: (boolean | undefined)[]): SectionResult => ({
      title: 't',
      body: '',
      targets: met.map((m, i) => ({
        id: `t${i}`,
        ...(i !== 2 && { issue: 11 }),
        goal: `goal ${i}`,
        figure: `f${i}`,
        met: m,
      })),
    });
    const run = {
      passes: [
        { node: 'a', nodeVersion: 'v24.0.0', sections: [section([true, false, undefined])] },
        { node: 'b', nodeVersion: 'v22.0.0', sections: [section([false, true])] },
      ],
    } as unknown as Run;
    const lines = targetsTable(run).split('\n');
    assert.match(lines[0] ?? '', /Node v24\.0\.0 .*Node v22\.0\.0 \(reported\)/);
    assert.deepEqual(lines.slice(2), [
      '| goal 0 | f0 | ✔ | f0 | ✘ |',
      '| goal 1 | f1 | ✘ | f1 | ✔ |',
      '| **earlier targets** |  |  |  |  |',
      '| goal 2 | f2 | – | not run |  |',
    ]);
  });
});
