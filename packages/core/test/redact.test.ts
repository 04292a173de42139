import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cap, MAX_REASON_LENGTH, redact } from '../src/redact.js';

describe('redact', () => {
  const cases: [string, string][] = [
    ['connect to postgres://app:pa55@db:5432/x', 'connect to postgres://***@db:5432/x'],
    ['GET https://token@api/x', 'GET https://***@api/x'],
    ['GET http://h/x?api_key=abc&n=1', 'GET http://h/x?api_key=***&n=1'],
    ['password=hunter2; user=app', 'password=***; user=app'],
    ['Authorization: Bearer abc.def', 'Authorization: ***'],
    ['cookie=session=1', 'cookie=***'],
    ['plain ECONNREFUSED 127.0.0.1:6379', 'plain ECONNREFUSED 127.0.0.1:6379'],
    // A colon ending a value is the reason's punctuation (`GET <url>: connect …`), kept through every pass.
    ['GET http://h/x?token=abc: connect ECONNREFUSED', 'GET http://h/x?token=***: connect ECONNREFUSED'],
    ['GET http://h/x?token=***: connect ECONNREFUSED', 'GET http://h/x?token=***: connect ECONNREFUSED'],
    ['GET http://h/x?token=a:b:c', 'GET http://h/x?token=***'],
  ];
  for (const [input, expected] of cases)
    it(`redacts ${JSON.stringify(input)}`, () => assert.equal(redact(input), expected));

  it('blanks the given secrets wherever they appear', () => {
    assert.equal(
      redact('header X-Token s3cr3t echoed: s3cr3t', ['s3cr3t']),
      'header X-Token *** echoed: ***',
    );
  });

  it('caps at 256 characters and flattens control characters', () => {
    const long = cap('x'.repeat(1000));
    assert.equal(long.length, MAX_REASON_LENGTH);
    assert.ok(long.endsWith('…'));
    assert.equal(cap('line one\nline two\r\n'), 'line one line two');
  });
});
