// The log lines that say why, through an app's own logger (fastify's pino, writing real JSON lines): each check's
// first result once, with its reason; a probe kind's change naming the checks that caused it, and their reasons;
// reasons redacted as everywhere (the secrets, the details token).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { healthPlugin } from '../src/adapters/fastify.js';
import { CheckUnknownError, createHealth, tcpSocket } from '../src/index.js';
import { portOf, request } from './request.js';

type Line = Record<string, unknown> & { msg: string; level: number };

const SECRET = 'hunter2';
const TOKEN = 'state-log-token';
const WARN = 40;
const INFO = 30;

async function until<T>(
  value: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    // Awaited: an async condition's promise is truthy whatever it will say.
    const got = await value();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createHealth() logs what explains its state, through its logger', () => {
  const lines: Line[] = [];
  let db: Server;
  let dbPort: number;
  let app: FastifyInstance;

  before(async () => {
    db = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', resolve));
    dbPort = portOf(db);
    app = Fastify({
      logger: {
        level: 'info',
        stream: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
      },
    });
    const health = createHealth({
      checks: [
        { name: 'db', check: tcpSocket({ port: dbPort }), periodSeconds: 0.2, failureThreshold: 1 },
        {
          name: 'vault',
          check: async () => {
            throw new Error(`login admin:${SECRET} with ${TOKEN} refused`);
          },
          periodSeconds: 0.2,
          failureThreshold: 1,
          critical: false,
        },
        {
          // Could not be run at all (a broken environment): discarded, and said so, redacted like a reason.
          name: 'env',
          check: async () => {
            throw new CheckUnknownError(`no credentials file for admin:${SECRET}`);
          },
          periodSeconds: 0.2,
          critical: false,
        },
      ],
      secrets: [SECRET],
      details: { token: TOKEN },
      shutdown: false,
      logger: app.log,
    });
    await app.register(healthPlugin, { health });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    await app.close();
    await new Promise((resolve) => db.close(resolve));
  });

  const ours = (msg: string, check?: string) =>
    lines.filter((line) => line.msg === msg && (check === undefined || line['check'] === check));

  it('logs each check’s first result once, with its reason redacted', async () => {
    const [failed] = await until(
      () => ours('check first result', 'vault').length > 0 && ours('check first result', 'vault'),
    );
    assert.equal(failed!.level, WARN);
    assert.equal(failed!['result'], 'failure');
    assert.equal(failed!['reason'], 'login admin:*** with *** refused');
    assert.equal(typeof failed!['durationMs'], 'number');
    const [ok] = await until(
      () => ours('check first result', 'db').length > 0 && ours('check first result', 'db'),
    );
    assert.deepEqual([ok!.level, ok!['result'], ok!['reason']], [INFO, 'success', undefined]);
    // Several runs later, still one line each; the SDK's own switches (reported, not run) have none.
    await until(() => ours('check state changed', 'db').length > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(
      ours('check first result')
        .map((line) => line['check'])
        .sort(),
      ['db', 'vault'],
    );
    const [discarded] = await until(
      () => ours('check run discarded', 'env').length > 0 && ours('check run discarded', 'env'),
    );
    assert.equal(discarded!['error'], 'no credentials file for admin:***');
    assert.ok(!JSON.stringify(lines).includes(SECRET), 'the secret is in no line');
    assert.ok(!JSON.stringify(lines).includes(TOKEN), 'the details token is in no line');
  });

  it('logs a probe kind’s change naming the checks that caused it, with their reasons', async () => {
    // vault is not critical: readiness warns while db passes.
    await until(async () => (await request(portOf(app.server), { path: '/readyz' })).status === 200);
    const before = lines.length;
    await new Promise((resolve) => db.close(resolve));
    const line = await until(() =>
      lines.slice(before).find((entry) => entry.msg === 'probe state changed' && entry['to'] === 'fail'),
    );
    assert.equal(line.level, WARN);
    assert.deepEqual([line['probe'], line['from'], line['checks']], ['readiness', 'warn', ['db']]);
    // A connect already in the listen backlog when the server closed is reset rather than refused.
    assert.deepEqual(Object.keys(line['reasons'] as object), ['db']);
    assert.match(
      (line['reasons'] as Record<string, string>)['db']!,
      new RegExp(`^connect (ECONNREFUSED|ECONNRESET) 127\\.0\\.0\\.1:${dbPort}$`),
    );
    const check = lines
      .slice(before)
      .find((entry) => entry.msg === 'check state changed' && entry['check'] === 'db');
    assert.deepEqual([check?.['from'], check?.['to']], ['passing', 'failing']);
  });
});
