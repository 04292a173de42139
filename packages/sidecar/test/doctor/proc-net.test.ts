import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { decodeAddress, parseProcNetTcp, readListeners } from '../../src/doctor/proc-net.js';

// As a little-endian kernel prints them (include/net/tcp_states.h: 0A LISTEN, 01 ESTABLISHED).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4101 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4102 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 4103 1 0000000000000000 20 4 30 10 -1
   3: 0200007F:1F92 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4104 1 0000000000000000 100 0 0 10 0
   4: 0500000A:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4105 1 0000000000000000 100 0 0 10 0
   5: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4106 1 0000000000000000 100 0 0 10 0
   6: garbage
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5101 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5102 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5103 1 0000000000000000 100 0 0 10 0
   3: 000000FD000000000000000002000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5104 1 0000000000000000 100 0 0 10 0
   4: B80D0120000000000000000001000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5105 1 0000000000000000 100 0 0 10 0
   5: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:D431 01 00000000:00000000 00:00000000 00000000  1000        0 5106 1 0000000000000000 20 4 30 10 -1
`;

describe('parseProcNetTcp', () => {
  it('lists the listening IPv4 sockets once each, decoding little-endian addresses and hex ports', () => {
    assert.deepEqual(parseProcNetTcp(TCP, 'LE'), [
      { address: '127.0.0.1', port: 8080 },
      { address: '0.0.0.0', port: 8081 },
      { address: '127.0.0.2', port: 8082 },
      { address: '10.0.0.5', port: 80 },
    ]);
  });

  it('lists the listening IPv6 sockets in RFC 5952 form, v4-mapped ones dotted', () => {
    assert.deepEqual(parseProcNetTcp(TCP6, 'LE'), [
      { address: '::1', port: 8080 },
      { address: '::', port: 8081 },
      { address: '::ffff:127.0.0.1', port: 8082 },
      { address: 'fd00::2', port: 80 },
      { address: '2001:db8::1', port: 443 },
    ]);
  });

  it('reads a big-endian kernel’s words in their own order', () => {
    assert.equal(decodeAddress('7F000001', 'BE'), '127.0.0.1');
    assert.equal(decodeAddress('00000000000000000000000000000001', 'BE'), '::1');
    assert.equal(decodeAddress('00000000000000000000FFFF0A000005', 'BE'), '::ffff:10.0.0.5');
  });

  it('gives nothing for text that is not an address', () => {
    for (const text of ['', '0100007', 'XYZ00000', '0100007F0', '0'.repeat(31)]) {
      assert.equal(decodeAddress(text, 'LE'), undefined, text);
    }
    assert.deepEqual(parseProcNetTcp('header only\n', 'LE'), []);
  });
});

describe('readListeners (this machine’s /proc/net/tcp and tcp6)', () => {
  const listen = async (host: string): Promise<Server & { port: number }> => {
    const server = createServer();
    server.listen(0, host);
    await once(server, 'listening');
    return Object.assign(server, { port: (server.address() as { port: number }).port });
  };

  it('finds real listeners bound to 127.0.0.1, 0.0.0.0, ::1 and ::, with their addresses', async (t) => {
    const servers = await Promise.all(['127.0.0.1', '0.0.0.0', '::1', '::'].map(listen));
    t.after(() => {
      for (const server of servers) server.close();
    });
    const { listeners, unreadable } = await readListeners();
    assert.deepEqual(unreadable, []);
    const found = (port: number) => listeners.filter((listener) => listener.port === port);
    assert.deepEqual(
      servers.map((server) => found(server.port)),
      [
        [{ address: '127.0.0.1', port: servers[0]!.port }],
        [{ address: '0.0.0.0', port: servers[1]!.port }],
        [{ address: '::1', port: servers[2]!.port }],
        [{ address: '::', port: servers[3]!.port }],
      ],
    );
  });

  it('names a file it cannot read instead of failing', async () => {
    const { listeners, unreadable } = await readListeners(['/proc/net/no-such-table']);
    assert.deepEqual(listeners, []);
    assert.deepEqual(unreadable, ['/proc/net/no-such-table: ENOENT']);
  });
});
