// What importing the package costs: nothing heavy is loaded before it is used.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

describe('package', () => {
  it('loads prom-client, node:https and node:http2 on first use, not on import', () => {
    // In a fresh process: this one has loaded them already. moduleLoadList lists the main thread's builtins.
    const script = `
      await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});
      const { createRequire } = await import('node:module');
      const builtins = process.moduleLoadList.filter((m) => /^NativeModule (https|http2|tls)$/.test(m));
      const packages = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/prom-client/'));
      console.log(JSON.stringify([...builtins, ...packages]));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(output), []);
  });
});
