// Details behind a bearer token, on the sidecar and the SDK: exactly `Authorization: Bearer <token>` (the scheme
// case-insensitive, as HTTP wants) sees reasons; anything else — nothing, a wrong or partial token, another
// scheme, the token elsewhere — gets the bare status and nothing more. (answer() compares SHA-256 digests of
// both with timingSafeEqual: constant time in the token's content and length; see SECURITY.md.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type Running, startServe, tempDir } from '../sidecar/helpers.js';
import { type SdkApp, startSdkApp } from './support/sdk-app.js';

const TOKEN = 'details-token-0123456789abcdef';

/** What answer() grants: the Bearer scheme in any case, then the token, with surrounding whitespace trimmed. */
function grants(authorization: string | undefined): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
  return match?.[1]?.trim() === TOKEN;
}

const FIXED: (string | undefined)[] = [
  undefined,
  '',
  `Bearer ${TOKEN}`,
  `bearer ${TOKEN}`,
  `BEARER   ${TOKEN}  `,
  `Bearer ${TOKEN.slice(0, -1)}`,
  `Bearer ${TOKEN}x`,
  `Bearer ${TOKEN.toUpperCase()}`,
  `Basic ${TOKEN}`,
  TOKEN,
  `Bearer`,
  `Bearer ${TOKEN} ${TOKEN}`,
  `Token ${TOKEN}`,
];

// Printable ASCII, as an HTTP header value can carry it.
const printable = fc.string({
  unit: fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))),
  maxLength: 40,
});
const authorization = fc.oneof(
  printable,
  fc
    .tuple(
      fc.constantFrom('Bearer', 'bearer', 'BeArEr', 'Basic', ''),
      fc.constantFrom(' ', '  ', '\t'),
      fc.oneof(fc.constant(TOKEN), printable),
      fc.constantFrom('', ' ', 'x'),
    )
    .map(([scheme, space, token, tail]) => `${scheme}${space}${token}${tail}`),
);

describe('details behind a token', () => {
  const temp = tempDir();
  let sidecar: Running;
  let app: SdkApp;
  before(async () => {
    const file = temp.write(
      'probekit.yaml',
      `server: { detailsToken: ${TOKEN} }\nchecks:\n  - { name: db, tcpSocket: { port: 1 }, periodSeconds: 0.2, failureThreshold: 1 }\n`,
    );
    [sidecar, app] = await Promise.all([startServe(['--config', file]), startSdkApp('node', { TOKEN })]);
    // The sidecar's check has failed, so a detailed answer would name it and its reason.
    for (;;) {
      const body = await (
        await fetch(`${sidecar.url}/readyz?verbose`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).text();
      if (body.includes('ECONNREFUSED')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  after(async () => {
    await sidecar?.kill();
    await app?.stop();
    temp.remove();
  });

  const get = async (url: string, value: string | undefined, accept?: string) => {
    const headers: Record<string, string> = {};
    if (value !== undefined) headers['authorization'] = value;
    if (accept) headers['accept'] = accept;
    const response = await fetch(url, { headers });
    return { status: response.status, body: await response.text() };
  };

  /** Why the answers to `value` are wrong, or undefined. */
  const judge = async (value: string | undefined): Promise<string | undefined> => {
    const allowed = grants(value);
    const failing = await get(`${sidecar.url}/readyz?verbose`, value);
    const failingJson = await get(`${sidecar.url}/readyz`, value, 'application/health+json');
    const passing = await get(`http://127.0.0.1:${app.probePort}/readyz?verbose`, value);
    const passingJson = await get(`http://127.0.0.1:${app.probePort}/healthz?format=json`, value);
    const expected = allowed
      ? [/^\[-\]db failed: connect ECONNREFUSED/, /"checks":\{"db"/, /^\[\+\]dep ok\n/, /"checks":\{"dep"/]
      : [/^readyz check failed\n$/, /^\{"status":"fail"\}$/, /^ok$/, /^\{"status":"pass"\}$/];
    const bodies = [failing, failingJson, passing, passingJson];
    for (const [i, answer] of bodies.entries()) {
      if (!expected[i]!.test(answer.body))
        return `answer ${i}: ${JSON.stringify(answer.body)} (details ${allowed ? 'granted' : 'refused'})`;
    }
    if (failing.status !== 503 || passing.status !== 200) return 'the status changed with the token';
    return undefined;
  };

  it('fixed cases: only the exact bearer token sees reasons', async () => {
    for (const value of FIXED) assert.equal(await judge(value), undefined, JSON.stringify(value));
    assert.ok(FIXED.filter(grants).length === 3, 'three of the fixed cases carry the token');
  });

  it('200 random Authorization values: details exactly when the bearer token is right', async () => {
    const details = await fc.check(
      fc.asyncProperty(authorization, async (value) => (await judge(value)) === undefined),
      { numRuns: 200 },
    );
    const value = details.counterexample?.[0];
    assert.ok(!details.failed, `${JSON.stringify(value)}: ${value === undefined ? '' : await judge(value)}`);
  });

  it('the token in a query string or another header grants nothing', async () => {
    const byQuery = await get(
      `${sidecar.url}/readyz?verbose&token=${TOKEN}&access_token=${TOKEN}`,
      undefined,
    );
    assert.equal(byQuery.body, 'readyz check failed\n');
    const response = await fetch(`${sidecar.url}/readyz?verbose`, {
      headers: { 'x-token': TOKEN, cookie: `token=${TOKEN}` },
    });
    assert.equal(await response.text(), 'readyz check failed\n');
  });
});
