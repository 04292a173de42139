// What npm publishes for each package: a README, the LICENSE every package.json names, and every file a
// source or declaration map points at (so "go to definition" lands in the TypeScript source, not nowhere).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const ROOT = new URL('../../', import.meta.url).pathname;
const PACKAGES = ['core', 'sdk', 'sidecar'] as const;

interface Packed {
  readonly name: string;
  readonly files: readonly { readonly path: string }[];
}

const packed = new Map<string, ReadonlySet<string>>();

before(async () => {
  const { stdout } = await promisify(execFile)(
    'npm',
    ['pack', '--dry-run', '--json', ...PACKAGES.flatMap((name) => ['-w', `packages/${name}`])],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  for (const { name, files } of JSON.parse(stdout) as Packed[]) {
    packed.set(name.replace('@probekit/', ''), new Set(files.map((file) => file.path)));
  }
});

for (const name of PACKAGES) {
  describe(`the @probekit/${name} tarball`, () => {
    const dir = join(ROOT, 'packages', name);

    it('carries a README and the LICENSE, the same Apache-2.0 text as the repository’s', () => {
      const files = packed.get(name);
      assert.ok(files, `npm pack listed no @probekit/${name}`);
      assert.ok(files.has('README.md'), 'README.md');
      assert.ok(files.has('LICENSE'), 'LICENSE');
      assert.equal(readFileSync(join(dir, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
      const license = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { license: string })
        .license;
      assert.equal(license, 'Apache-2.0');
      assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), new RegExp(`^# @probekit/${name}\\b`));
    });

    it('ships every file its exports, main and bin name', () => {
      const files = packed.get(name) ?? new Set<string>();
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        main?: string;
        types?: string;
        bin?: Record<string, string>;
        exports: Record<string, string | Record<string, string>>;
      };
      const named = [
        manifest.main,
        manifest.types,
        ...Object.values(manifest.bin ?? {}),
        ...Object.values(manifest.exports).flatMap((entry) =>
          typeof entry === 'string' ? [entry] : Object.values(entry),
        ),
      ].filter((path): path is string => path !== undefined);
      const missing = named.map((path) => posix.normalize(path)).filter((path) => !files.has(path));
      assert.deepEqual(missing, []);
      // The bundled entry points, not tsc's per-file output, are what an importer loads.
      assert.match(String(manifest.main), /^\.\/dist\/bundle\//);
    });

    it('ships every source a map points at', () => {
      const files = packed.get(name) ?? new Set<string>();
      const maps = [...files].filter((file) => file.endsWith('.map'));
      assert.ok(maps.length > 0, 'the build writes maps');
      const missing: string[] = [];
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[] };
        for (const source of sources) {
          const target = posix.normalize(posix.join(dirname(map), source));
          if (!files.has(target)) missing.push(`${map} → ${target}`);
        }
      }
      assert.deepEqual(missing, []);
    });
  });
}
