// A user's TypeScript project, outside the repo, with the packed @probekit tarballs installed, @types/node and
// prom-client (the SDK's peer) and nothing else: it compiles under the repo's TypeScript 5.9 and under the
// current major (TypeScript 6+ no longer loads @types/node unless asked), with `module: nodenext` and with
// TypeScript 5's `module: commonjs` (moduleResolution node10, which reads `types` and `typesVersions`, not `exports`).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const TSC = {
  '5.9': join(ROOT, 'node_modules/typescript/bin/tsc'),
  current: join(ROOT, 'node_modules/typescript-next/bin/tsc'),
};

// What a user writes: the SDK and its node:http adapter, nothing typed by hand.
const USER_FILE = `import { createHealth, tcpSocket, type ShutdownResult } from '@probekit/sdk';
import { listen } from '@probekit/sdk/node';

const health = createHealth({ checks: [{ name: 'db', check: tcpSocket({ port: 5432 }) }] });
void listen(health, { port: 8099 }).then((server) => server.address());
export const done: Promise<ShutdownResult> = health.shutdown('deploy');
`;

let project: string;

before(async () => {
  project = mkdtempSync(join(tmpdir(), 'probekit-consumer-'));
  const modules = join(project, 'node_modules');
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--pack-destination', project, '-w', 'packages/core', '-w', 'packages/sdk'],
    { cwd: ROOT },
  );
  for (const { name, filename } of JSON.parse(stdout) as { name: string; filename: string }[]) {
    const target = join(modules, name);
    mkdirSync(target, { recursive: true });
    await run('tar', ['-xzf', join(project, filename), '-C', target, '--strip-components=1']);
  }
  mkdirSync(join(modules, '@types'), { recursive: true });
  for (const dependency of ['@types/node', 'prom-client']) {
    symlinkSync(join(ROOT, 'node_modules', dependency), join(modules, dependency), 'dir');
  }
  writeFileSync(join(project, 'index.ts'), USER_FILE);
});

after(() => rmSync(project, { recursive: true, force: true }));

/** Compiles the user's file with `tsc` under `compilerOptions`; resolves with tsc's output (empty when clean). */
async function compile(tsc: string, compilerOptions: Record<string, unknown>): Promise<string> {
  const config = join(project, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, ...compilerOptions },
      files: ['index.ts'],
    }),
  );
  try {
    await run(process.execPath, [tsc, '-p', config], { cwd: project });
    return '';
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}` || String(error);
  }
}

describe('a TypeScript user of @probekit/sdk (packed, @types/node installed, no other setup)', () => {
  for (const [version, tsc] of Object.entries(TSC)) {
    // Under TypeScript 5, module commonjs means moduleResolution node10.
    for (const module of ['nodenext', 'commonjs']) {
      it(`compiles with TypeScript ${version}, module ${module}`, async () => {
        assert.equal(await compile(tsc, { module, target: 'es2022' }), '');
      });
    }
  }

  it('the current TypeScript is a newer major than the repo’s', async () => {
    const { stdout } = await run(process.execPath, [TSC.current, '--version']);
    assert.ok(Number(/Version (\d+)\./.exec(stdout)?.[1]) >= 6, stdout);
  });
});
