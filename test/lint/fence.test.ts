// The floors are fenced by biome's noRestrictedImports (biome.json overrides): a deliberate back-edge, written
// into a copy of the layout with the repository's biome.json, must fail the lint; the imports each floor may make
// must pass it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;

// file → what it imports, and whether the fence lets it.
const CASES: readonly { file: string; from: string; allowed: boolean }[] = [
  { file: 'packages/core/src/up-to-sdk.ts', from: '@probekit/sdk', allowed: false },
  { file: 'packages/core/src/up-to-sidecar.ts', from: '@probekit/sidecar', allowed: false },
  { file: 'packages/core/src/up-by-path.ts', from: '../../sdk/src/health.js', allowed: false },
  { file: 'packages/sdk/src/up-to-sidecar.ts', from: '@probekit/sidecar', allowed: false },
  { file: 'packages/sdk/src/up-by-path.ts', from: '../../sidecar/src/cli.js', allowed: false },
  { file: 'packages/sdk/src/adapters/core-internal.ts', from: '@probekit/core/internal', allowed: false },
  { file: 'packages/sdk/src/adapters/sdk-internal.ts', from: '../internal.js', allowed: false },
  { file: 'packages/sdk/src/adapters/deep.ts', from: '@probekit/core/dist/run.js', allowed: false },
  { file: 'packages/core/src/own.ts', from: './engine.js', allowed: true },
  { file: 'packages/sdk/src/plumbing.ts', from: '@probekit/core/internal', allowed: true },
  { file: 'packages/sdk/src/adapters/public.ts', from: '@probekit/core', allowed: true },
  { file: 'packages/sdk/src/adapters/sibling.ts', from: '../response.js', allowed: true },
  { file: 'packages/sidecar/src/down.ts', from: '@probekit/sdk/internal', allowed: true },
];

const dir = mkdtempSync(join(tmpdir(), 'probekit-fence-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('biome fails on every back-edge and on an adapter reaching past the public entries, and on nothing else', () => {
  copyFileSync(join(root, 'biome.json'), join(dir, 'biome.json'));
  for (const { file, from } of CASES) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `import { x } from '${from}';\n\nexport const y = x;\n`);
  }
  const result = spawnSync(join(root, 'node_modules/.bin/biome'), ['lint', '--max-diagnostics=none', '.'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const output = `${result.stdout}${result.stderr}`;
  const fenced = new Set(
    [...output.matchAll(/^(\S+\.ts):\d+:\d+ lint\/style\/noRestrictedImports/gm)].map((match) => match[1]),
  );
  assert.notEqual(result.status, 0, 'biome lint passed a back-edge');
  for (const { file, from, allowed } of CASES)
    assert.equal(
      fenced.has(file),
      !allowed,
      `${file} importing ${from}: ${allowed ? 'refused' : 'let through'}`,
    );
});
