// What importing the package costs: nothing heavy is loaded before it is used.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

/** Runs `body` (ESM, after core is imported as `core`) in a fresh process: this one has loaded everything already. */
function inFreshProcess(body: string): unknown {
  const script = `
    const core = await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});
    const { createRequire } = await import('node:module');
    const cache = () => Object.keys(createRequire(import.meta.url).cache);
    ${body}`;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

describe('package', () => {
  it('loads prom-client, node:https and node:http2 on first use, not on import', () => {
    // moduleLoadList lists the main thread's builtins.
    const loaded = inFreshProcess(`
      const builtins = process.moduleLoadList.filter((m) => /^NativeModule (https|http2|tls)$/.test(m));
      console.log(JSON.stringify([...builtins, ...cache().filter((f) => f.includes('/prom-client/'))]));`);
    assert.deepEqual(loaded, []);
  });

  it('runs an exec check with node alone: no package is loaded for it', () => {
    // execa, which exec ran through before, cost ~80 ms of CPU and ~6 MB at every sidecar's first exec run.
    const loaded = inFreshProcess(`
      const outcome = await core.exec({ command: ['true'] }).run(AbortSignal.timeout(30_000));
      const packages = cache()
        .map((f) => f.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1])
        .filter((name) => name !== undefined && !/^(tsx|esbuild)$/.test(name)); // the test's own loader
      console.log(JSON.stringify({ outcome, packages: [...new Set(packages)] }));`);
    assert.deepEqual(loaded, { outcome: { ok: true }, packages: [] });
  });
});
