import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECK_DEFAULTS, resolveCheck, resolveChecks } from '../src/definition.js';
import { Engine } from '../src/engine.js';
import { InvalidCheckError } from '../src/errors.js';
import {
  fieldValue,
  type fits,
  LISTEN_PORT_FIELD,
  MAX_SECONDS,
  PORT_FIELD,
  secondsField,
  TIMING_FIELDS,
} from '../src/fields.js';

describe('the field table', () => {
  it('holds the kubelet defaults CHECK_DEFAULTS shows', () => {
    for (const [key, field] of Object.entries(TIMING_FIELDS))
      assert.equal(field.default, CHECK_DEFAULTS[key as keyof typeof TIMING_FIELDS], key);
  });

  const table: [string, Parameters<typeof fits>[0], unknown[], unknown[]][] = [
    [
      'periodSeconds',
      TIMING_FIELDS.periodSeconds,
      [0.001, 0.5, 10, MAX_SECONDS],
      [0, -1, MAX_SECONDS + 1, Number.NaN, Infinity, '5', null],
    ],
    [
      'initialDelaySeconds',
      TIMING_FIELDS.initialDelaySeconds,
      [0, 0.5, MAX_SECONDS],
      [-0.1, MAX_SECONDS + 1],
    ],
    ['failureThreshold', TIMING_FIELDS.failureThreshold, [1, 3, 1_000_000], [0, 1.5, 1_000_001, '3']],
    ['a port', PORT_FIELD, [1, 8080, 65535], [0, 65536, 80.5, 'http']],
    ['a port to listen on', LISTEN_PORT_FIELD, [0, 8099, 65535], [-1, 65536]],
  ];
  for (const [what, field, good, bad] of table) {
    it(`${what}: the bounds decide, and every bad value gets the field's one message`, () => {
      for (const value of good) assert.equal(fieldValue(field, value, 'x'), value, String(value));
      for (const value of bad) {
        assert.throws(
          () => fieldValue(field, value, 'checks[0].x'),
          (error: unknown) =>
            error instanceof InvalidCheckError &&
            error.path === 'checks[0].x' &&
            error.problem.startsWith(`${field.message}, got `),
          String(value),
        );
      }
    });
  }

  it('gives the default when left out, and refuses a left-out field that has none', () => {
    assert.equal(fieldValue(TIMING_FIELDS.timeoutSeconds, undefined, 'x'), 1);
    assert.throws(
      () => fieldValue(PORT_FIELD, undefined, 'port'),
      /^InvalidCheckError: port: must be an integer 1-65535, got `undefined`/,
    );
  });

  it('words seconds fields after their lower bound, and lets a caller throw its own error', () => {
    assert.equal(secondsField(0.001).message, 'must be a number of seconds from 0.001 up to 86400');
    assert.equal(TIMING_FIELDS.periodSeconds.message, 'must be a positive number of seconds up to 86400');
    const mine = new Error('mine');
    assert.throws(
      () => fieldValue(secondsField(0), -1, 'x', () => mine),
      (error) => error === mine,
    );
  });
});

describe('a check is validated once', () => {
  it('resolveCheck hands back what it resolved, and the engine runs it as it is', async () => {
    const resolved = resolveCheck({ name: 'db', check: async () => undefined, periodSeconds: 5 });
    assert.equal(resolveCheck(resolved), resolved);
    assert.equal(resolveChecks([resolved])[0], resolved);
    const engine = new Engine({ checks: [resolved] });
    assert.equal(engine.checks[0], resolved);
    await engine.stop();
  });

  it('a look-alike object is still validated', () => {
    const resolved = resolveCheck({ name: 'db', check: async () => undefined });
    assert.throws(() => resolveCheck({ ...resolved, periodSeconds: 0 } as never), InvalidCheckError);
  });
});
