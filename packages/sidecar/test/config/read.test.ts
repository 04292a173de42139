// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} references on purpose
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_FILE_BYTES, parseConfigText, readConfigFile } from '../../src/config/read.js';
import { MAX_SYNTAX_PROBLEMS } from '../../src/config/syntax.js';

// Also read by test/sidecar/config-errors.test.ts: one alias bomb for both.
const ALIAS_BOMB = new URL('./fixtures/alias-bomb.yaml', import.meta.url);

function problemsOf(text: string): string[] {
  const result = parseConfigText(text);
  assert.ok('problems' in result, `expected problems, got ${JSON.stringify(result)}`);
  return result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe('parseConfigText', () => {
  it('parses YAML 1.2 core types: `yes` stays a string, 0x1F is a number', () => {
    assert.deepEqual(parseConfigText('a: yes\nb: 0x1F\nc: ~\nd: "8080"\n'), {
      data: { a: 'yes', b: 31, c: null, d: '8080' },
    });
  });

  it('reports a syntax error with its line and column', () => {
    const found = problemsOf('checks:\n  - name: a\n    tcpSocket: { port: 1\n');
    assert.equal(found.length, 1);
    assert.match(found[0] ?? '', /^line 4, column 1: .*end with a? ?\}$/);
  });

  it('shows the first few of a cascade of syntax errors, and how to quote a ${VAR} inside { … }', () => {
    const checks = Array.from(
      { length: 30 },
      (_, i) => `  - name: c${i}\n    tcpSocket: { host: db, port: ${5000 + i} }\n`,
    ).join('');
    const found = problemsOf(`server: { port: \${PORT}, host: 0.0.0.0 }\nchecks:\n${checks}`);
    assert.equal(found.length, MAX_SYNTAX_PROBLEMS + 1);
    assert.equal(
      found[0],
      'line 1, column 17: ${PORT} is not quoted inside { … } or [ … ], where YAML reads { and } as structure: write port: "${PORT}"',
    );
    assert.match(found[1] ?? '', /^line 1, column \d+: /);
    assert.match(
      found.at(-1) ?? '',
      /^\(file\): \d+ more YAML errors not shown: they usually follow from the first/,
    );
    assert.deepEqual(
      problemsOf('checks: [{ name: a, exec: { command: [echo, ${MSG:-hi}] } }]\n').slice(0, 1),
      [
        'line 1, column 45: ${MSG:-hi} is not quoted inside { … } or [ … ], where YAML reads { and } as structure: write "${MSG:-hi}"',
      ],
    );
  });

  it('refuses duplicate keys, in YAML and in JSON', () => {
    assert.deepEqual(problemsOf('a: 1\na: 2\n'), ['line 2, column 1: Map keys must be unique']);
    assert.deepEqual(problemsOf('{"a": 1, "a": 2}'), ['line 1, column 10: Map keys must be unique']);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    assert.deepEqual(problemsOf(readFileSync(ALIAS_BOMB, 'utf8')), [
      '(file): expands too many aliases (more than 50; an alias bomb?)',
    ]);
  });

  it('allows a few aliases, which are ordinary YAML', () => {
    assert.deepEqual(parseConfigText('t: &t { periodSeconds: 1 }\nu: *t\n'), {
      data: { t: { periodSeconds: 1 }, u: { periodSeconds: 1 } },
    });
  });

  it('refuses anything that is not plain data: tags, complex keys, several documents', () => {
    assert.deepEqual(problemsOf('a: !!binary aGVsbG8=\n'), [
      'line 1, column 13: the tag tag:yaml.org,2002:binary is not allowed: only plain data',
    ]);
    assert.deepEqual(problemsOf('a: !custom x\n'), ['line 1, column 4: Unresolved tag: !custom']);
    assert.deepEqual(problemsOf('? [a, b]\n: c\n'), ['line 1, column 3: keys must be plain strings']);
    assert.deepEqual(problemsOf('a: 1\n---\nb: 2\n'), [
      'line 2, column 1: Source contains multiple documents; please use YAML.parseAllDocuments()',
    ]);
  });
});

describe('readConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'probekit-read-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file larger than the limit without parsing it', async () => {
    const path = join(dir, 'big.yaml');
    writeFileSync(path, `a: "${'x'.repeat(MAX_FILE_BYTES)}"\n`);
    assert.deepEqual(await readConfigFile(path), {
      problems: [{ path: '(file)', message: 'is larger than 1024 KiB' }],
    });
  });

  it('keeps the text, to tell a real change from a touch', async () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, 'checks: []\n');
    assert.deepEqual(await readConfigFile(path), { data: { checks: [] }, text: 'checks: []\n' });
  });

  it('loads the YAML parser only for a file that is not JSON', () => {
    const json = join(dir, 'config.json');
    const yaml = join(dir, 'config.yaml');
    writeFileSync(json, '{"checks": []}\n');
    writeFileSync(yaml, 'checks: []\n');
    // In a fresh process: this one has loaded yaml already.
    const script = `
      const { readConfigFile } = await import(${JSON.stringify(new URL('../../src/config/read.ts', import.meta.url).href)});
      const { createRequire } = await import('node:module');
      const yamlLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('/yaml/'));
      await readConfigFile(${JSON.stringify(json)});
      const afterJson = yamlLoaded();
      await readConfigFile(${JSON.stringify(yaml)});
      console.log(JSON.stringify([afterJson, yamlLoaded()]));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(output), [false, true]);
  });
});
