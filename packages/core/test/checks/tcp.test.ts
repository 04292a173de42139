import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { tcpSocket } from '../../src/checks/tcp.js';
import { InvalidCheckError } from '../../src/errors.js';

const connections: net.Socket[] = [];
const server = net.createServer((socket) => connections.push(socket));
let port = 0;

function listen(s: net.Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

before(async () => {
  port = await listen(server);
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('tcpSocket', () => {
  it('passes when the port accepts, reports the connect time, and closes the connection at once', async () => {
    const outcome = await tcpSocket({ port }).run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, true);
    assert.equal(outcome.observedUnit, 'ms');
    assert.equal(typeof outcome.observedValue, 'number');
    const socket = connections.at(-1);
    assert.ok(socket);
    if (!socket.closed) await new Promise((resolve) => socket.once('close', resolve));
  });

  it('passes when the server closes the connection right after accepting it (kubelet: healthy)', async () => {
    const rude = net.createServer((socket) => socket.destroy());
    const rudePort = await listen(rude);
    after(() => new Promise<void>((resolve) => rude.close(() => resolve())));
    assert.equal((await tcpSocket({ port: rudePort }).run(AbortSignal.timeout(2000))).ok, true);
  });

  it('fails on a closed port', async () => {
    const gone = net.createServer();
    const closedPort = await listen(gone);
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const outcome = await tcpSocket({ host: '127.0.0.1', port: closedPort }).run(AbortSignal.timeout(2000));
    assert.deepEqual(outcome, { ok: false, output: `connect ECONNREFUSED 127.0.0.1:${closedPort}` });
  });

  it('fails on a host that does not resolve', async () => {
    const outcome = await tcpSocket({ host: 'no-such-host.invalid', port: 5432 }).run(
      AbortSignal.timeout(2000),
    );
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /no-such-host\.invalid/);
  });

  it('ends at the abort, with the reason, even in the middle of connecting', async () => {
    const controller = new AbortController();
    const running = tcpSocket({ port }).run(controller.signal);
    controller.abort(new Error('timed out after 1 s'));
    assert.deepEqual(await running, { ok: false, output: `dial 127.0.0.1:${port}: timed out after 1 s` });
    assert.equal((await tcpSocket({ port }).run(AbortSignal.abort())).ok, false);
  });

  it('describes its target and has a JSON identity', () => {
    const prober = tcpSocket({ port: 5432 });
    assert.equal(prober.kind, 'tcpSocket');
    assert.equal(prober.target, 'tcp://127.0.0.1:5432');
    assert.deepEqual(prober.identity, { kind: 'tcpSocket', host: '127.0.0.1', port: 5432 });
    assert.equal(tcpSocket({ host: '[::1]', port: 1 }).target, 'tcp://[::1]:1');
  });

  for (const [options, message] of [
    [{ port: 0 }, 'tcpSocket.port: must be an integer 1-65535, got `0` (number)'],
    [{ port: 1.5 }, 'tcpSocket.port: must be an integer 1-65535, got `1.5` (number)'],
    [{ port: 1, host: '' }, 'tcpSocket.host: must be a host name or IP address, got `""` (string)'],
    [{ port: 1, host: 'a:b' }, 'tcpSocket.host: must be a host name or IP address, got `"a:b"` (string)'],
    [null, 'tcpSocket: must be an object, got `null`'],
  ] as const) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      assert.throws(
        () => tcpSocket(options as never),
        (error: unknown) => error instanceof InvalidCheckError && error.message === message,
      );
    });
  }
});
