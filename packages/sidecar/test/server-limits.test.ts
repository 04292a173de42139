// The probe port's limits, on a real socket: a slowloris is cut off, and probes are answered meanwhile.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Engine, manual } from '@probekit/core';
import { listenOn } from '@probekit/sdk/internal';
import { createRegistry } from '../src/metrics.js';
import { createProbeServer, SERVER_LIMITS } from '../src/server.js';

/**
 * Sends `request` raw and resolves with the status line once the server closes the connection, or `closed` if it
 * hung up first (`head`: the whole response head). `end: false` keeps the client's side open, so only the server can end the exchange.
 */
function raw(port: number, request: string, end = true, head = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve((head ? data.split('\r\n\r\n')[0] : data.split('\r\n')[0]) || 'closed'));
    if (end) socket.end(request);
    else socket.write(request);
  });
}

describe('probe server limits', () => {
  const engine = new Engine({ checks: [{ name: 'db', check: manual() }] });
  const app = createProbeServer({ engine, registry: createRegistry(engine), details: () => true });
  let port = 0;
  before(async () => {
    engine.report('db', true);
    await listenOn(app, 0, '127.0.0.1');
    port = (app.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise((resolve) => app.close(resolve));
  });

  it(`cuts off a slowloris after the ${SERVER_LIMITS.headersTimeoutMs} ms header timeout, answering probes meanwhile`, async () => {
    const sockets: Socket[] = [];
    const closedAt: number[] = [];
    const started = Date.now();
    for (let index = 0; index < 50; index++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('close', () => closedAt.push(Date.now() - started));
      socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n');
      sockets.push(socket);
    }
    // Trickle a header line now and then, as a slowloris does, to defeat an idle timeout.
    const trickle = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write('X-a: b\r\n');
    }, 1000);
    try {
      assert.equal(
        await raw(port, 'GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        'HTTP/1.1 200 OK',
      );
      const limit = SERVER_LIMITS.headersTimeoutMs + 2 * SERVER_LIMITS.connectionsCheckingIntervalMs + 1000;
      while (closedAt.length < sockets.length && Date.now() - started < limit)
        await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(
        closedAt.length,
        sockets.length,
        `${sockets.length - closedAt.length} slow connections still open after ${limit} ms`,
      );
      assert.ok(
        Math.min(...closedAt) >= SERVER_LIMITS.headersTimeoutMs - 100,
        `closed too early: ${Math.min(...closedAt)} ms`,
      );
    } finally {
      clearInterval(trickle);
      for (const socket of sockets) socket.destroy();
    }
  });

  it(`refuses a request head over ${SERVER_LIMITS.maxHeaderSize} bytes (431), and never reads a body`, async () => {
    const big = `GET /readyz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(SERVER_LIMITS.maxHeaderSize)}\r\nConnection: close\r\n\r\n`;
    assert.equal(await raw(port, big), 'HTTP/1.1 431 Request Header Fields Too Large');
    // Announced at 1 GiB and never sent: the answer comes at once and the connection closes, the body unread.
    const post = `POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${2 ** 30}\r\n\r\n${'x'.repeat(4096)}`;
    const answered = await raw(port, post, false, true);
    assert.match(answered, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    assert.match(answered, /\r\nconnection: close\r\n/i);
  });
});
