import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { grpc } from '../../src/checks/grpc.js';
import { InvalidCheckError } from '../../src/errors.js';

const health = new HealthImplementation({ '': 'SERVING', svc: 'SERVING' });
const server = new Server();
health.addToServer(server);
// A gRPC server without the health service: every call is UNIMPLEMENTED.
const bare = new Server();
// Accepts TCP but never speaks HTTP/2: a call waits until the abort.
const sockets: net.Socket[] = [];
const silent = net.createServer((socket) => {
  sockets.push(socket);
  socket.resume(); // read, so that the client's close is seen
});
let port = 0;
let barePort = 0;
let silentPort = 0;

function listen(s: net.Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

function bind(s: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    s.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
}

before(async () => {
  port = await bind(server);
  barePort = await bind(bare);
  silentPort = await listen(silent);
});

after(() => {
  server.forceShutdown();
  bare.forceShutdown();
  for (const socket of sockets) socket.destroy();
  silent.close();
});

describe('grpc: grpc.health.v1.Health/Check', () => {
  it('passes on SERVING and fails on NOT_SERVING, for the server and for a service', async () => {
    for (const service of ['', 'svc']) {
      const prober = grpc({ port, service });
      const serving = await prober.run(AbortSignal.timeout(2000));
      assert.equal(serving.ok, true, service);
      assert.equal(serving.observedUnit, 'ms');
      health.setStatus(service, 'NOT_SERVING');
      assert.deepEqual(await prober.run(AbortSignal.timeout(2000)), { ok: false, output: 'NOT_SERVING' });
      health.setStatus(service, 'SERVING');
      assert.equal((await prober.run(AbortSignal.timeout(2000))).ok, true);
    }
  });

  it('fails on UNKNOWN', async () => {
    health.setStatus('starting', 'UNKNOWN');
    assert.deepEqual(await grpc({ port, service: 'starting' }).run(AbortSignal.timeout(2000)), {
      ok: false,
      output: 'UNKNOWN',
    });
  });

  it('fails on a service the server does not know', async () => {
    const outcome = await grpc({ port, service: 'nope' }).run(AbortSignal.timeout(2000));
    assert.deepEqual(outcome, { ok: false, output: 'service "nope" not found' });
  });

  it('fails on a server without the health service', async () => {
    const outcome = await grpc({ port: barePort }).run(AbortSignal.timeout(2000));
    assert.deepEqual(outcome, { ok: false, output: 'the server does not implement grpc.health.v1.Health' });
  });

  it('fails at once on a closed port', async () => {
    const gone = net.createServer();
    const closedPort = await listen(gone);
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const started = performance.now();
    const outcome = await grpc({ port: closedPort }).run(AbortSignal.timeout(2000));
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome, { ok: false, output: `connect ECONNREFUSED 127.0.0.1:${closedPort}` });
    assert.ok(performance.now() - started < 1000);
  });

  it('ends at the abort against a server that never answers, and closes its connection', async () => {
    const started = performance.now();
    const outcome = await grpc({ port: silentPort }).run(AbortSignal.timeout(300));
    const elapsed = performance.now() - started;
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? '', /timeout/);
    assert.ok(elapsed < 800, `settled after ${elapsed} ms`);
    const socket = sockets.at(-1);
    assert.ok(socket);
    if (!socket.closed) await new Promise((resolve) => socket.once('close', resolve));
  });

  it('fails on an HTTP/2 server that is not gRPC, and on a server that is not HTTP/2', async () => {
    const h2 = http2.createServer((_req, res) => res.end('hello'));
    const h1 = http.createServer((_req, res) => res.end('hello'));
    const [h2Port, h1Port] = await Promise.all([listen(h2), listen(h1)]);
    after(() => {
      h2.close();
      h1.closeAllConnections();
      h1.close();
    });
    assert.deepEqual(await grpc({ port: h2Port }).run(AbortSignal.timeout(2000)), {
      ok: false,
      output: 'not a gRPC server (content-type missing)',
    });
    assert.deepEqual(await grpc({ port: h1Port }).run(AbortSignal.timeout(2000)), {
      ok: false,
      output: 'not an HTTP/2 server? Protocol error',
    });
  });
});

describe('grpc: options', () => {
  it('describes its target and has a JSON identity', () => {
    assert.equal(grpc({ port: 50051 }).target, 'grpc://127.0.0.1:50051');
    const prober = grpc({ host: 'api', port: 50051, service: 'svc' });
    assert.equal(prober.kind, 'grpc');
    assert.equal(prober.target, 'grpc://api:50051/svc');
    assert.deepEqual(prober.identity, { kind: 'grpc', host: 'api', port: 50051, service: 'svc' });
  });

  for (const [options, message] of [
    [{ port: 0 }, 'grpc.port: must be an integer 1-65535, got `0` (number)'],
    [{ port: 1, service: 5 }, 'grpc.service: must be a string, got `5` (number)'],
  ] as const) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      assert.throws(
        () => grpc(options as never),
        (error: unknown) => error instanceof InvalidCheckError && error.message === message,
      );
    });
  }
});
