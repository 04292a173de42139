// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `$${HOME}` is the config's escape for a literal ${HOME}
// exec checks run their argv as given, with no shell unless the config writes one, and with an environment of
// PATH and HOME plus what the config names — never the sidecar's own (which may hold secrets). Checked on what
// the command itself saw: a fixture records its argv, environment and working directory.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Running, startServe, tempDir } from '../sidecar/helpers.js';

const FIXTURE = new URL('./fixtures/invocation.mjs', import.meta.url).pathname;
const SHELLISH = [
  '$(id)',
  '`id`',
  '$HOME',
  '*',
  ';',
  'id',
  '|',
  'cat',
  '&&',
  '>',
  'out.txt',
  "'quoted'",
  '"double"',
  '\\',
  '$((1+1))',
];

interface Invocation {
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
}

describe('exec: argv as given, a minimal environment', () => {
  const temp = tempDir();
  let sidecar: Running;
  const outputs = { config: join(temp.dir, 'config.json'), target: join(temp.dir, 'target.json') };
  const sidecarEnv = {
    PROBEKIT_LEAK_SENTINEL: 'sentinel-env-leak-5c2f',
    AWS_SECRET_ACCESS_KEY: 'sentinel-aws-3b9e',
    NODE_OPTIONS: '--max-old-space-size=64',
  };

  before(async () => {
    const quoted = SHELLISH.map((arg) => JSON.stringify(arg)).join(', ');
    const file = temp.write(
      'probekit.yaml',
      `checks:
  - name: argv
    exec:
      command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FIXTURE)}, ${JSON.stringify(outputs.config)}, ${quoted}, "$\${HOME}"]
      env: { CONFIGURED: "yes" }
      cwd: ${JSON.stringify(temp.dir)}
    periodSeconds: 60
`,
    );
    sidecar = await startServe(
      [
        '--config',
        file,
        '--check',
        `exec:${process.execPath} ${FIXTURE} ${outputs.target} '$(id)' "*" \\; 'a b' id`,
      ],
      sidecarEnv,
    );
    for (let i = 0; i < 200 && !(existsSync(outputs.config) && existsSync(outputs.target)); i++)
      await sleep(25);
  });
  after(async () => {
    await sidecar?.kill();
    temp.remove();
  });

  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Invocation;

  it('config argv: every shell metacharacter reaches the command literally', () => {
    const seen = read(outputs.config);
    assert.deepEqual(seen.argv, [...SHELLISH, '${HOME}']);
    assert.equal(existsSync(join(temp.dir, 'out.txt')), false, 'no redirection happened');
    assert.equal(seen.cwd, temp.dir);
  });

  it('--check exec: shorthand: split with shell quoting, nothing expanded', () => {
    assert.deepEqual(read(outputs.target).argv, ['$(id)', '*', ';', 'a b', 'id']);
  });

  it('environment: PATH and HOME of the sidecar, plus what the config names; nothing else', () => {
    for (const path of [outputs.config, outputs.target]) {
      const { env } = read(path);
      const expected = path === outputs.config ? ['CONFIGURED', 'HOME', 'PATH'] : ['HOME', 'PATH'];
      assert.deepEqual(Object.keys(env).sort(), expected);
      assert.equal(env['PATH'], process.env['PATH']);
      for (const value of Object.values(sidecarEnv)) assert.ok(!JSON.stringify(env).includes(value));
    }
  });
});
