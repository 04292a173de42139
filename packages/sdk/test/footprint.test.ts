// What an app pays for importing the SDK: no builtin it does not use. On Node 22+ an ESM import of node:http reads
// every export for its facade, and a lazy getter among them loads undici, tls and http2 (~13 MB of RSS, tens of
// ms), so the SDK requires node:http instead; a CommonJS app, which requires it itself, would pay all of that.
// node:crypto (≈ 17 ms, 3 MB) and node:v8 load on first use: a details token, an exec run, the heap check.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

describe('SDK footprint', () => {
  it('importing the SDK and its node:http adapter, as built, loads no http2, tls, crypto or v8', () => {
    // In a fresh process of plain node (tsx would load crypto itself), importing the package as an app does: its
    // bundled entry points (`npm test` builds them first). moduleLoadList lists the main thread's builtins.
    const script = `
      await import('@probekit/sdk');
      await import('@probekit/sdk/node');
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (https|http2|tls|crypto|v8)$/.test(m))));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(output), []);
  });
});
