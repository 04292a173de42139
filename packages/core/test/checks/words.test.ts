import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { splitWords } from '../../src/checks/words.js';
import { InvalidCheckError } from '../../src/errors.js';

const singleQuoted = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

describe('splitWords', () => {
  it('gives back any argv written in single quotes, whatever it holds', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }), (argv) => {
        assert.deepEqual(splitWords(argv.map(singleQuoted).join(' '), 'x'), argv);
      }),
    );
  });

  it('gives back words that need no quoting as they are, and joins what touches', () => {
    assert.deepEqual(splitWords(' test  -f\t/var/ready\n', 'x'), ['test', '-f', '/var/ready']);
    assert.deepEqual(splitWords(`a'b c'"d e"f\\ g`, 'x'), ['ab cd ef g']);
    assert.deepEqual(splitWords('env k=v a#b c~', 'x'), ['env', 'k=v', 'a#b', 'c~']);
  });

  it('repeats only what it is given to show', () => {
    assert.throws(
      () => splitWords('curl -H "Authorization: Bearer s3cret" | x', 'exec:curl -H "Authorization: ***'),
      (error: unknown) =>
        error instanceof InvalidCheckError && !error.message.includes('s3cret') && /"\|"/.test(error.message),
    );
  });
});
