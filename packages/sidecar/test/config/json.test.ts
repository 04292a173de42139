import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseJsonConfig } from '../../src/config/json.js';
import { MAX_DEPTH, parseConfigText, parseYamlConfig } from '../../src/config/read.js';

const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}[]${'}'.repeat(levels - 1)}`;

describe('parseJsonConfig', () => {
  it('reads a JSON object or array', () => {
    assert.deepEqual(parseJsonConfig('{"checks": [{"name": "db", "tcpSocket": {"port": 5432}}]}', 64), {
      data: { checks: [{ name: 'db', tcpSocket: { port: 5432 } }] },
    });
    assert.deepEqual(parseJsonConfig('\n  [1, "two", null]\n', 64), { data: [1, 'two', null] });
  });

  it('leaves YAML, invalid JSON and bare scalars to the YAML reader', () => {
    for (const text of [
      'checks: []\n',
      '{checks: []}',
      '{"a": 1,}',
      '"checks"',
      '42',
      '',
      '\ufeff{"a": 1}',
    ]) {
      assert.equal(parseJsonConfig(text, 64), undefined, text);
    }
  });

  it('leaves duplicate keys to the YAML reader, escaped or not, but not equal keys of sibling objects', () => {
    assert.equal(parseJsonConfig('{"a": 1, "b": {"a": 2}, "a": 3}', 64), undefined);
    assert.equal(parseJsonConfig('{"a": 1, "\\u0061": 2}', 64), undefined);
    assert.deepEqual(parseJsonConfig('[{"a": 1}, {"a": 2}]', 64), { data: [{ a: 1 }, { a: 2 }] });
  });

  it('is not misled by quotes, braces and commas inside strings', () => {
    const text = '{"a": "{\\"b\\": 1, \\"a\\": [", "b": ["}", ",\\"a\\":"], "c\\\\": "\\\\"}';
    assert.deepEqual(parseJsonConfig(text, 64), { data: JSON.parse(text) });
  });

  it('leaves nesting deeper than the limit to the YAML reader, which refuses it', () => {
    assert.deepEqual(parseJsonConfig(nested(MAX_DEPTH), MAX_DEPTH), parseYamlConfig(nested(MAX_DEPTH)));
    assert.equal(parseJsonConfig(nested(MAX_DEPTH + 1), MAX_DEPTH), undefined);
    assert.deepEqual(parseConfigText(nested(MAX_DEPTH + 1)), {
      problems: [{ path: `line 1, column ${5 * MAX_DEPTH + 1}`, message: 'nests deeper than 64 levels' }],
    });
  });

  it('reads the same data as the YAML reader, whatever the JSON', () => {
    const json = fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: 'binary' }));
    fc.assert(
      fc.property(json, fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify({ value }, null, indent);
        assert.deepEqual(parseJsonConfig(text, MAX_DEPTH), parseYamlConfig(text));
      }),
      { numRuns: 100 },
    );
  });
});
