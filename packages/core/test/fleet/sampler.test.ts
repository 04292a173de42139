// Asking peers over real loopback sockets: answering, silent, garbage, slow, ourselves; sample and concurrency bounds.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { askPeers, fetchFleetz, parseFleetz, pick } from '../../src/fleet/sampler.js';

const servers: Server[] = [];
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

/** A peer on 127.0.0.1 answering /fleetz with `body` (after `delayMs`); counts its requests and concurrency. */
async function peer(body: string | ((url: string) => string), delayMs = 0, status = 200) {
  const stats = { requests: 0, open: 0, maxOpen: 0, urls: [] as string[] };
  const server = createServer((req, res) => {
    stats.requests++;
    stats.urls.push(`${req.method} ${req.url}`);
    stats.open++;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    setTimeout(() => {
      stats.open--;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'function' ? body(req.url ?? '') : body);
    }, delayMs);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, stats };
}

const doc = (member: string, checks: Record<string, string> = { db: 'fail' }) =>
  JSON.stringify({ member, version: '0.1.0', checks });

/** A port nobody listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

const options = { member: 'me', sample: 16, concurrency: 8, timeoutMs: 300 };

describe('askPeers', () => {
  it('counts answers and treats the silent, the garbled, the slow and errors as silent', async () => {
    const a = await peer(doc('a'));
    const b = await peer(doc('b', { db: 'pass' }));
    const garbage = await peer('<html>not json</html>');
    const wrongShape = await peer(JSON.stringify({ member: 'c', version: '1', checks: { db: 'maybe' } }));
    const notFound = await peer(doc('d'), 0, 404);
    const slow = await peer(doc('e'), 1000);
    const closed = await closedPort();
    const round = await askPeers(
      [a.address, b.address, garbage.address, wrongShape.address, notFound.address, slow.address, closed],
      options,
    );
    assert.deepEqual(round.answers.map((answer) => answer.member).sort(), ['a', 'b']);
    assert.equal(round.silent, 5);
    assert.deepEqual(a.stats.urls, ['GET /fleetz']);
  });

  it('a peer answering with our own id is ourselves, not another member; two addresses of one member count once', async () => {
    const self = await peer(doc('me'));
    const other = await peer(doc('other'));
    const round = await askPeers(
      [self.address, other.address, other.address.replace('127.0.0.1', 'localhost')],
      {
        ...options,
        member: 'me',
      },
    );
    assert.deepEqual(
      round.answers.map((answer) => answer.member),
      ['other'],
    );
    assert.equal(round.silent, 0);
  });

  it('asks at most `sample` peers, each once, at most `concurrency` at a time, no retries', async () => {
    const peers = await Promise.all(Array.from({ length: 12 }, (_, i) => peer(doc(`p${i}`), 50)));
    const round = await askPeers(
      peers.map((p) => p.address),
      { ...options, sample: 5, concurrency: 2 },
    );
    const asked = peers.filter((p) => p.stats.requests > 0);
    assert.equal(asked.length, 5);
    assert.ok(asked.every((p) => p.stats.requests === 1));
    assert.equal(round.answers.length, 5);
    // Every peer answers after 50 ms: a bound of 2 at a time over 5 peers takes 3 waves.
    const open = { now: 0, max: 0 };
    await askPeers(
      peers.map((p) => p.address),
      {
        ...options,
        sample: 6,
        concurrency: 2,
        fetch: async () => {
          open.max = Math.max(open.max, ++open.now);
          await new Promise((resolve) => setTimeout(resolve, 10));
          open.now--;
          return undefined;
        },
      },
    );
    assert.equal(open.max, 2);
  });

  it('a silent peer costs one timeout, not one per retry', async () => {
    const slow = await peer(doc('slow'), 1000);
    const started = performance.now();
    const round = await askPeers([slow.address], { ...options, timeoutMs: 200 });
    assert.equal(round.silent, 1);
    assert.ok(performance.now() - started < 900);
    assert.equal(slow.stats.requests, 1);
  });

  it('an answer over 64 KiB is garbage', async () => {
    const big = await peer(
      doc('big', Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`check-${i}`, 'pass']))),
    );
    assert.equal(await fetchFleetz(big.address, 1000), undefined);
  });
});

describe('pick', () => {
  it('picks n distinct items, all when there are fewer, uniformly', () => {
    const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    assert.deepEqual(pick(items, 20, Math.random).sort(), items);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const chosen = pick(items, 3, Math.random);
      assert.equal(new Set(chosen).size, 3);
      for (const item of chosen) counts[item]++;
    }
    // Each item is in a sample of 3 of 10 with probability 0.3: 6,000 of 20,000 (sd ≈ 65).
    for (const count of counts) assert.ok(Math.abs(count - 6000) < 400, `${count}`);
  });
});

describe('parseFleetz', () => {
  it('takes a /fleetz document and nothing else', () => {
    assert.deepEqual(parseFleetz(doc('a', { db: 'pass', q: 'unknown' })), {
      member: 'a',
      version: '0.1.0',
      checks: { db: 'pass', q: 'unknown' },
    });
    for (const text of [
      '',
      'null',
      '[]',
      '{}',
      '{"member":"","version":"1","checks":{}}',
      '{"member":"a","checks":{}}',
      '{"member":"a","version":"1","checks":[]}',
    ])
      assert.equal(parseFleetz(text), undefined, text);
  });
});
