#!/usr/bin/env node
// After `tsc -b`: each package's entry points bundled by esbuild into dist/bundle/, which its `exports` and the
// `probekit` bin load. One file per entry (plus the chunks they share) instead of dozens of ES modules: node
// resolves, reads and links each module one by one, and for the SDK that was half of its cost to an app's
// start (bench/ANALYSIS.md, "Bundled entry points"). Other packages stay imports (`packages: 'external'`), so
// @probekit/core is one instance however many packages load it; tsc's per-file output stays for the types.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;

/** Each package's entry points, as tsc emits them under dist/ (the keys of its `exports`, and the CLI). */
const ENTRIES = {
  core: ['index', 'internal'],
  sdk: ['index', 'internal', 'checks/index', 'adapters/node', 'adapters/express', 'adapters/fastify'],
  sidecar: ['index', 'cli'],
};

const only = process.argv.slice(2);
for (const [pkg, entries] of Object.entries(ENTRIES)) {
  if (only.length > 0 && !only.includes(pkg)) continue;
  const dist = join(ROOT, 'packages', pkg, 'dist');
  const outdir = join(dist, 'bundle');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: entries.map((entry) => ({ in: join(dist, `${entry}.js`), out: entry })),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22.12',
    packages: 'external',
    // Function and class names stay as written, and the maps (composed with tsc's) lead to src/*.ts: stack traces
    // under --enable-source-maps and "go to definition" land in the TypeScript source.
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
}
