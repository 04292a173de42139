// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} references on purpose
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretValues, substitute } from '../../src/config/env.js';

describe('substitute', () => {
  const env = { DB_PORT: '5432', HOST: 'db.local', EMPTY: '', FLAG: 'true', TEXT: 'a: b', LIST: '[1, 2]' };

  it('gives a whole-value reference the type YAML gives its text', () => {
    const { data, problems } = substitute(
      { port: '${DB_PORT}', on: '${FLAG}', map: '${TEXT}', list: '${LIST}' },
      env,
    );
    assert.deepEqual(problems, []);
    // A value can never inject structure: `a: b` and `[1, 2]` stay strings.
    assert.deepEqual(data, { port: 5432, on: true, map: 'a: b', list: '[1, 2]' });
  });

  it('keeps the text where the schema wants a string', () => {
    const { data } = substitute({ token: '${DB_PORT}', port: '${DB_PORT}' }, env, {
      isString: (path) => path[0] === 'token',
    });
    assert.deepEqual(data, { token: '5432', port: 5432 });
  });

  it('substitutes inside longer strings, which stay strings', () => {
    const { data } = substitute({ path: '/db/${HOST}:${DB_PORT}', list: ['x${HOST}'] }, env);
    assert.deepEqual(data, { path: '/db/db.local:5432', list: ['xdb.local'] });
  });

  it('uses the default when the variable is unset or empty, as the shell does for :-', () => {
    const { data } = substitute(
      { a: '${NOPE:-8080}', b: '${EMPTY:-x}', c: '${EMPTY}', d: '${HOST:-other}' },
      env,
    );
    assert.deepEqual(data, { a: 8080, b: 'x', c: '', d: 'db.local' });
  });

  it('reads $${ as a literal ${ and leaves keys alone', () => {
    const { data } = substitute({ '${HOST}': 'sh -c "echo $${HOME}"' }, env);
    assert.deepEqual(data, { '${HOST}': 'sh -c "echo ${HOME}"' });
  });

  it('reports every unset variable and malformed reference with its path', () => {
    const { problems } = substitute({ checks: [{ port: '${NOPE}' }, { command: ['${1}', '${A B}'] }] }, env);
    assert.deepEqual(
      problems.map((problem) => problem.path),
      ['checks[0].port', 'checks[1].command[0]', 'checks[1].command[1]'],
    );
    assert.match(problems[0]?.message ?? '', /uses \$\{NOPE\}, which is not set/);
  });
});

describe('secretValues', () => {
  it('takes variables whose names look secret, 4 characters or longer', () => {
    assert.deepEqual(
      secretValues({
        DB_PASSWORD: 'hunter2',
        API_KEY: 'abcd',
        GITHUB_TOKEN: 'x',
        HOME: '/root',
        PORT: '8080',
        aws_secret: 's3cr3t',
      }),
      ['hunter2', 'abcd', 's3cr3t'],
    );
  });
});
