// The verbose reader every reliability test leans on: it must take each tail the explain contract prints, and
// refuse one that is not, so that a broken tail fails the tests instead of hiding in a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answer, Engine } from '@probekit/core';
import { parseVerbose } from './answers.js';

const body = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('parseVerbose', () => {
  it('splits each of the contract tails off its reason', () => {
    const parsed = parseVerbose(
      503,
      body(
        '[-]cache failed: connect ECONNREFUSED 127.0.0.1:6379 (failing since 2026-12-04T14:33:55Z, 3 in a row)',
        '[+]db ok (1 failure, 2 more to fail)',
        '[+]app ok',
        '[-]stale failed: stale: no run finished in the last 0.6s (failing since 2026-12-04T14:33:55Z)',
        '[-]mending failed: refused (failing since 2026-12-04T14:33:55Z, 1 success, 2 more to pass)',
        '[-]new failed: no result yet (no success yet, 2 in a row)',
        '[~]warming warn: below its success threshold (2 successes, 1 more to pass)',
        '[-]odd failed: a reason (with parentheses)',
        '[+]gone excluded: ok',
        'readyz check failed',
      ),
      'readyz',
    );
    const line = (name: string) => parsed.checks.get(name)!;
    assert.deepEqual(line('cache'), {
      mark: '-',
      reason: 'connect ECONNREFUSED 127.0.0.1:6379',
      tail: {
        text: 'failing since 2026-12-04T14:33:55Z, 3 in a row',
        since: '2026-12-04T14:33:55Z',
        failures: 3,
        successes: undefined,
        more: undefined,
      },
    });
    assert.deepEqual(line('db').tail, {
      text: '1 failure, 2 more to fail',
      since: undefined,
      failures: 1,
      successes: undefined,
      more: 2,
    });
    assert.deepEqual([line('app').reason, line('app').tail], [undefined, undefined]);
    assert.equal(line('stale').reason, 'stale: no run finished in the last 0.6s');
    assert.deepEqual([line('mending').tail?.successes, line('mending').tail?.more], [1, 2]);
    assert.deepEqual([line('new').reason, line('new').tail?.failures], ['no result yet', 2]);
    assert.deepEqual([line('warming').mark, line('warming').tail?.successes], ['~', 2]);
    assert.deepEqual([line('odd').reason, line('odd').tail], ['a reason (with parentheses)', undefined]);
  });

  it('refuses a tail that is not one of the contract forms', () => {
    for (const bad of [
      '[+]db ok (1 failures, 2 more to fail)',
      '[+]db ok (failing since 2026-12-04T14:33:55Z, 3 in a row)',
      '[+]db ok (0 failures, 2 more to fail)',
      '[+]db ok ()',
      '[-]db failed: refused (failing since 2026-12-04 14:33:55, 3 in a row)',
      '[-]db failed: refused (failing since 2026-12-04T14:33:55Z, 3 in row)',
      '[-]db failed: refused (failing since 2026-13-45T14:33:55Z)',
      '[-]db failed: refused (1 failure, 2 more to fail)',
      '[-]db failed: refused (2 success, 1 more to pass)',
      '[-]db failed: (failing since 2026-12-04T14:33:55Z)',
    ]) {
      assert.throws(() => parseVerbose(503, body(bad, 'readyz check failed'), 'readyz'), /malformed/, bad);
    }
  });

  it('reads what the engine renders, at each step of a check going down', async () => {
    let up = true;
    const engine = new Engine({
      checks: [
        {
          name: 'db',
          periodSeconds: 0.02,
          failureThreshold: 3,
          check: () => {
            if (!up) throw new Error('refused');
          },
        },
      ],
    });
    engine.start();
    try {
      const seen = new Set<string>();
      const deadline = performance.now() + 5000;
      while (!seen.has('failing') && performance.now() < deadline) {
        const verbose = answer(engine.snapshot(), { url: '/readyz?verbose' })!;
        const line = parseVerbose(verbose.status, verbose.body, 'readyz').checks.get('db')!;
        if (line.mark === '+' && !line.tail) up = false;
        if (line.mark === '+' && line.tail)
          seen.add(`counting ${line.tail.failures}, ${line.tail.more} more`);
        if (line.mark === '-' && line.tail?.since) {
          assert.equal(line.reason, 'refused');
          seen.add('failing');
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.ok(seen.has('failing'), [...seen].join('; '));
      for (const counting of seen) assert.match(counting, /^counting (1, 2|2, 1) more$|^failing$/);
    } finally {
      await engine.stop();
    }
  });
});
