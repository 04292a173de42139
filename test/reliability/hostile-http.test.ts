// Hostile HTTP input against the sidecar and every SDK adapter, over raw sockets: property tests over methods,
// paths, queries and headers, and over malformed requests; every answer well-formed and allowed (never a 5xx
// but answer()'s 503, never a crash), and the header and URL size limits hold. `npm run fuzz` runs the same
// properties with many more cases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkMalformed, checkRequest, malformedCase, requestCase } from './support/http-properties.js';
import {
  describeServer,
  PROBE_SERVERS,
  type ProbeServer,
  type ProbeServers,
  startProbeServers,
} from './support/probe-servers.js';
import { assertProperty } from './support/property.js';
import { exchange, parseResponses } from './support/wire.js';

const RUNS = Number(process.env['PROBEKIT_FUZZ_RUNS'] ?? 150);
/** Request head limits: the probe server's (SERVER_LIMITS.maxHeaderSize: the sidecar, listen()), node's default elsewhere. */
const HEAD_LIMIT: Record<string, number> = { sidecar: 8 * 1024, listen: 8 * 1024 };
const NODE_DEFAULT_HEAD_LIMIT = 16 * 1024;

async function status(port: number, request: string): Promise<number | undefined> {
  const result = await exchange(port, request, { halfClose: true });
  return parseResponses(result.bytes)[0]?.status;
}

describe('hostile HTTP input', () => {
  let servers: ProbeServers;
  const port = (server: ProbeServer) => servers.ports.get(server)!;
  before(async () => {
    servers = await startProbeServers();
  });
  after(() => servers?.stop());

  const show = (bytes: Buffer) => JSON.stringify(bytes.toString('latin1'));

  for (const target of PROBE_SERVERS) {
    describe(describeServer(target), () => {
      it(`${RUNS} random requests: every answer well-formed and allowed`, () =>
        assertProperty(
          requestCase,
          (request) => checkRequest(port(target), request),
          RUNS,
          (request) => show(request.bytes),
        ));

      it(`${RUNS} malformed requests: a 4xx or a closed connection, never a 5xx`, () =>
        assertProperty(malformedCase, (bytes) => checkMalformed(port(target), bytes), RUNS, show));

      it('header and URL size limits hold: 431 past the limit, an answer below it', async () => {
        const to = port(target);
        const limit = HEAD_LIMIT[target] ?? NODE_DEFAULT_HEAD_LIMIT;
        const head = (size: number) =>
          `GET /readyz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(size)}\r\n\r\n`;
        const url = (size: number) => `GET /readyz?pad=${'a'.repeat(size)} HTTP/1.1\r\nHost: x\r\n\r\n`;
        assert.equal(await status(to, head(limit + 100)), 431);
        assert.equal(await status(to, url(limit + 100)), 431);
        assert.ok([200, 503].includes((await status(to, head(limit - 200)))!));
        assert.ok([200, 503].includes((await status(to, url(limit - 200)))!));
        // Many small headers add up the same way: names and values count, ~9 bytes each here.
        const many = Array.from({ length: Math.ceil(limit / 6) }, (_, i) => `X-${i}: aaaa`).join('\r\n');
        assert.equal(await status(to, `GET /readyz HTTP/1.1\r\nHost: x\r\n${many}\r\n\r\n`), 431);
      });

      it('still up and answering after all of it', async () => {
        const answered = await status(port(target), 'GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
        assert.ok(answered === 200 || answered === 503, `answered ${answered}`);
        assert.equal(servers.processes.get(target)!.exitCode, null, 'the process is still running');
      });
    });
  }
});
