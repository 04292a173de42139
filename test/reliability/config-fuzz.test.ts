// Config fuzzing: valid configs generated whole and then mutated, through the loader in-process (for volume), the
// real `probekit validate` (for exit codes), and a running sidecar's reload (for the config left running). Each
// file is valid — and then all of it is — or refused with every problem named by its path; never a crash or a
// hang. `npm run fuzz` runs many more cases.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type ConfigError, formatProblem, loadConfig } from '@probekit/sidecar';
import fc from 'fast-check';
import { runCli } from '../sidecar/helpers.js';
import { checkConfig, checkReloadsRefused, configCase, FUZZ_ENV } from './support/config-properties.js';
import { assertProperty } from './support/property.js';

const RUNS = Number(process.env['PROBEKIT_FUZZ_RUNS'] ?? 300);

describe('config fuzzing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'probekit-fuzz-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`${RUNS} mutated configs through the loader: valid in full, or refused with paths`, () =>
    assertProperty(
      configCase,
      (config) => checkConfig(dir, config),
      RUNS,
      (config) => `${config.what}:\n${config.text.slice(0, 2000)}`,
    ));

  // Found by `npm run fuzz` (seed 20261125): `checks: [null]` threw a TypeError out of the loader.
  it('a check that is not a mapping (null, a number, a string, a list) is refused with its path', async () => {
    for (const item of ['null', '~', '5', '"tcp"', '[]', 'true']) {
      const why = await checkConfig(dir, {
        what: item,
        text: `checks:\n  - ${item}\n`,
        expect: 'checks[0]',
        invalid: true,
      });
      assert.equal(why, undefined, `checks: [${item}]`);
    }
  });

  it('nesting 100,000 deep, after other files were read, is refused and does not abort the process', () => {
    // In a process of its own: the failure mode is V8 aborting the process from deep recursion, not an exception.
    const script = `
      import { parseConfigText } from '@probekit/sidecar';
      for (const depth of [1000, 100000, 100000]) {
        const result = parseConfigText('checks: ' + '['.repeat(depth) + ']'.repeat(depth));
        if (!('problems' in result)) throw new Error('accepted');
      }
      console.log('refused');`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.stdout.trim(), 'refused', result.stderr.slice(0, 500));
    assert.equal(result.status, 0);
  });

  it('probekit validate agrees with the loader: exit 0, or exit 2 listing the same problems', async () => {
    const cases = fc.sample(configCase, { numRuns: 16, seed: 42 });
    await Promise.all(
      cases.map(async (config, i) => {
        const file = join(dir, `validate-${i}.yaml`);
        writeFileSync(file, config.text);
        const cli = await runCli(['validate', '--config', file], { env: FUZZ_ENV });
        const loaded = await loadConfig({ file, env: FUZZ_ENV }).then(
          () => [] as string[],
          (error: ConfigError) => error.problems.map((problem) => `  ${formatProblem(problem)}`),
        );
        if (loaded.length === 0) {
          assert.equal(cli.code, 0, `${config.what}: ${cli.stderr}`);
          assert.match(cli.stdout, /^validate-\d+\.yaml: valid, \d+ checks?/);
        } else {
          assert.equal(cli.code, 2, `${config.what}: ${cli.stderr}`);
          const count = loaded.length === 1 ? '1 problem' : `${loaded.length} problems`;
          assert.equal(cli.stderr, `probekit: ${file} is not valid (${count}):\n${loaded.join('\n')}\n`);
        }
      }),
    );
  });

  it('a running sidecar refuses every broken file on reload, and its config stays as it was', async () => {
    const broken = fc
      .sample(configCase, { numRuns: 400, seed: 7 })
      .filter((config) => config.invalid)
      .slice(0, 20);
    const deep = {
      text: 'checks: [' + '['.repeat(100_000) + ']'.repeat(100_000) + ']\n',
      what: '100,000 deep',
    };
    assert.equal(await checkReloadsRefused(dir, [...broken, deep]), undefined);
  });
});
