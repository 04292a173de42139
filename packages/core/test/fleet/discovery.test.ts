// Discovery against a real DNS server on 127.0.0.1 (dns2), through node's dns.Resolver as in production.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dnsPeers, peerSource } from '../../src/fleet/discovery.js';
import { startDnsServer, type TestDnsServer } from './dns-server.js';

describe('peer discovery', () => {
  let dns: TestDnsServer;
  before(async () => {
    dns = await startDnsServer();
  });
  after(() => dns.close());

  it('static peers are the list as given', async () => {
    const source = peerSource({ kind: 'static', addresses: ['127.0.0.1:1', '[::1]:2'] }, 100);
    assert.deepEqual(await source.peers(), ['127.0.0.1:1', '[::1]:2']);
  });

  it('reads A and AAAA records of the name from the configured server, with the port from config', async () => {
    dns.set('peers.one.test', { a: ['127.0.0.2', '127.0.0.3'], aaaa: ['::1'] });
    const source = peerSource(
      { kind: 'dns', name: 'peers.one.test', port: 8099, resolver: dns.address },
      500,
    );
    assert.deepEqual(await source.peers(), ['127.0.0.2:8099', '127.0.0.3:8099', '[::1]:8099']);
    assert.ok(dns.questions.includes('A peers.one.test') && dns.questions.includes('AAAA peers.one.test'));
  });

  it('a name with records of one family only is that family', async () => {
    dns.set('v4.test', { a: ['127.0.0.4'] });
    assert.deepEqual(await dnsPeers('v4.test', 1, dns.address, 500).peers(), ['127.0.0.4:1']);
  });

  it('a name that does not exist is an empty fleet, and is asked again next round', async () => {
    const source = dnsPeers('later.test', 1, dns.address, 500);
    assert.deepEqual(await source.peers(), []);
    dns.set('later.test', { a: ['127.0.0.5'] });
    assert.deepEqual(await source.peers(), ['127.0.0.5:1']);
  });

  it('keeps an answer for its TTL, then asks again', async () => {
    let now = 0;
    dns.set('ttl.test', { a: ['127.0.0.6'], ttl: 10 });
    const source = dnsPeers('ttl.test', 1, dns.address, 500, () => now);
    assert.deepEqual(await source.peers(), ['127.0.0.6:1']);
    dns.set('ttl.test', { a: ['127.0.0.7'], ttl: 10 });
    now = 9_000;
    assert.deepEqual(await source.peers(), ['127.0.0.6:1'], 'within the TTL: cached');
    now = 10_001;
    assert.deepEqual(await source.peers(), ['127.0.0.7:1'], 'past the TTL: asked again');
  });

  it('keeps the last list while the DNS server does not answer', async () => {
    const flaky = await startDnsServer();
    flaky.set('blip.test', { a: ['127.0.0.8'], ttl: 0 });
    const source = dnsPeers('blip.test', 1, flaky.address, 200);
    assert.deepEqual(await source.peers(), ['127.0.0.8:1']);
    await flaky.close();
    assert.deepEqual(await source.peers(), ['127.0.0.8:1']);
  });
});
