// What an app pays for importing the SDK: no builtin it does not use. On Node 22+ an ESM import of node:http reads
// every export for its facade, and a lazy getter among them loads undici, tls and http2 (~13 MB of RSS, tens of
// ms), so the SDK requires node:http instead; a CommonJS app, which requires it itself, would pay all of that.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

describe('SDK footprint', () => {
  it('importing the SDK and its node:http adapter loads neither http2 nor tls', () => {
    // In a fresh process: this one has loaded them already. moduleLoadList lists the main thread's builtins.
    const script = `
      await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)});
      await import(${JSON.stringify(new URL('../src/adapters/node.ts', import.meta.url).href)});
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (https|http2|tls)$/.test(m))));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(output), []);
  });
});
