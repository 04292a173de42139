// Hostile HTTP input against the sidecar and every SDK adapter, over raw sockets: property tests over methods,
// paths, queries and headers, and over malformed requests; every answer well-formed and allowed (never a 5xx
// but answer()'s 503, never a crash), and the header and URL size limits hold. `npm run fuzz` runs the same
// properties with many more cases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Running, startServe, tempDir } from '../sidecar/helpers.js';
import {
  assertProperty,
  checkMalformed,
  checkRequest,
  malformedCase,
  requestCase,
} from './support/http-properties.js';
import { ADAPTERS, type SdkApp, startSdkApp } from './support/sdk-app.js';
import { exchange, parseResponses } from './support/wire.js';

const RUNS = Number(process.env['PROBEKIT_FUZZ_RUNS'] ?? 150);
/** Request head limits: the sidecar's own (SERVER_LIMITS.maxHeaderSize), node's default elsewhere. */
const HEAD_LIMIT: Record<string, number> = { sidecar: 8 * 1024 };
const NODE_DEFAULT_HEAD_LIMIT = 16 * 1024;

async function status(port: number, request: string): Promise<number | undefined> {
  const result = await exchange(port, request, { halfClose: true });
  return parseResponses(result.bytes)[0]?.status;
}

describe('hostile HTTP input', () => {
  const temp = tempDir();
  let sidecar: Running;
  const apps = new Map<string, SdkApp>();
  const ports = new Map<string, number>();
  before(async () => {
    const file = temp.write(
      'probekit.yaml',
      'checks:\n  - { name: db, exec: { command: ["true"] }, periodSeconds: 0.2 }\n',
    );
    const [started, ...sdk] = await Promise.all([
      startServe(['--config', file]),
      ...ADAPTERS.map((adapter) => startSdkApp(adapter)),
    ]);
    sidecar = started;
    ports.set('sidecar', Number(new URL(sidecar.url).port));
    ADAPTERS.forEach((adapter, i) => {
      apps.set(adapter, sdk[i]!);
      ports.set(adapter, sdk[i]!.probePort);
    });
  });
  after(async () => {
    await sidecar?.kill();
    for (const app of apps.values()) await app.stop();
    temp.remove();
  });

  const title = (target: string) =>
    target === 'sidecar'
      ? 'sidecar'
      : target === 'listen'
        ? 'SDK listen() probe port'
        : `SDK ${target} adapter`;
  const show = (bytes: Buffer) => JSON.stringify(bytes.toString('latin1'));

  for (const target of ['sidecar', ...ADAPTERS]) {
    describe(title(target), () => {
      it(`${RUNS} random requests: every answer well-formed and allowed`, () =>
        assertProperty(
          requestCase,
          (request) => checkRequest(ports.get(target)!, request),
          RUNS,
          (request) => show(request.bytes),
        ));

      it(`${RUNS} malformed requests: a 4xx or a closed connection, never a 5xx`, () =>
        assertProperty(malformedCase, (bytes) => checkMalformed(ports.get(target)!, bytes), RUNS, show));

      it('header and URL size limits hold: 431 past the limit, an answer below it', async () => {
        const port = ports.get(target)!;
        const limit = HEAD_LIMIT[target] ?? NODE_DEFAULT_HEAD_LIMIT;
        const head = (size: number) =>
          `GET /readyz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(size)}\r\n\r\n`;
        const url = (size: number) => `GET /readyz?pad=${'a'.repeat(size)} HTTP/1.1\r\nHost: x\r\n\r\n`;
        assert.equal(await status(port, head(limit + 100)), 431);
        assert.equal(await status(port, url(limit + 100)), 431);
        assert.ok([200, 503].includes((await status(port, head(limit - 200)))!));
        assert.ok([200, 503].includes((await status(port, url(limit - 200)))!));
        // Many small headers add up the same way: names and values count, ~9 bytes each here.
        const many = Array.from({ length: Math.ceil(limit / 6) }, (_, i) => `X-${i}: aaaa`).join('\r\n');
        assert.equal(await status(port, `GET /readyz HTTP/1.1\r\nHost: x\r\n${many}\r\n\r\n`), 431);
      });

      it('still up and answering after all of it', async () => {
        const answered = await status(ports.get(target)!, 'GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
        assert.ok(answered === 200 || answered === 503, `answered ${answered}`);
        const child = target === 'sidecar' ? sidecar.child : apps.get(target)!.child;
        assert.equal(child.exitCode, null, 'the process is still running');
      });
    });
  }
});
