// What docker/Dockerfile does, without Docker: pack core and sidecar, install the tarballs with --omit=dev
// into an empty folder, start the installed `probekit serve`, probe it with the installed `probekit probe`.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { kubeProbe, ROOT, tcpTarget, tempDir, until } from './helpers.js';

const run = promisify(execFile);
const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

it('the packed tarballs install with --omit=dev and run `probekit serve` and `probekit probe`', {
  timeout: 180_000,
}, async (t) => {
  const temp = tempDir('probekit-pack-');
  t.after(() => temp.remove());
  const { stdout } = await run(
    'npm',
    [
      'pack',
      '--json',
      '--pack-destination',
      temp.dir,
      '-w',
      '@probekit/core',
      '-w',
      '@probekit/sidecar',
      ...NPM_QUIET,
    ],
    {
      cwd: ROOT,
    },
  );
  const tarballs = (JSON.parse(stdout) as { filename: string; files: { path: string }[] }[]).map((pack) => ({
    file: join(temp.dir, pack.filename),
    files: pack.files.map((file) => file.path),
  }));
  assert.equal(tarballs.length, 2);
  const sidecarFiles = tarballs[1]!.files;
  for (const expected of ['bin/probekit.js', 'dist/cli.js', 'schema/probekit.schema.json'])
    assert.ok(sidecarFiles.includes(expected), expected);
  assert.ok(
    !sidecarFiles.some((path) => path.startsWith('src/') || path.startsWith('test/')),
    'no sources or tests in the tarball',
  );

  const app = join(temp.dir, 'app');
  mkdirSync(app);
  // Both tarballs in one install, as the image does: the sidecar's @probekit/core is the local one.
  await run(
    'npm',
    [
      'install',
      '--omit=dev',
      '--prefer-offline',
      '--no-package-lock',
      ...NPM_QUIET,
      ...tarballs.map((tarball) => tarball.file),
    ],
    {
      cwd: app,
      timeout: 150_000,
    },
  );
  const bin = join(app, 'node_modules/.bin/probekit');
  accessSync(bin, constants.X_OK);
  assert.ok(!existsSync(join(app, 'node_modules/kubernetes-models')), 'devDependencies were installed');
  assert.ok(!existsSync(join(app, 'node_modules/typescript')), 'typescript was installed');
  const lock = JSON.parse(readFileSync(join(app, 'node_modules/.package-lock.json'), 'utf8'));
  assert.match(
    lock.packages['node_modules/@probekit/core'].resolved,
    /^file:.*probekit-core-.*\.tgz$/,
    'core came from the registry',
  );

  const db = await tcpTarget();
  t.after(() => db.close());
  // Run through the bin's shebang, as the image's ENTRYPOINT does.
  const serve = spawn(
    bin,
    ['serve', '--check', `tcp://127.0.0.1:${db.port}`, '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: app,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'] },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise((resolve) => serve.once('exit', resolve));
  t.after(async () => {
    if (serve.exitCode === null) serve.kill('SIGKILL');
    await exited;
  });
  let stderr = '';
  serve.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: serve.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as { msg: string; url?: string };
      if (event.msg === 'listening' && event.url) resolve(event.url);
    });
    serve.once('exit', () => reject(new Error(`probekit serve exited: ${stderr}`)));
  });
  await until(async () => (await kubeProbe(`${url}/readyz`)).status === 200);
  assert.match(
    (await kubeProbe(`${url}/metrics`)).body,
    /^probekit_check_up\{check="tcp-127\.0\.0\.1-\d+"\} 1$/m,
  );

  // The image's HEALTHCHECK.
  const healthcheck = await run(bin, ['probe', `${url}/livez`], { cwd: app });
  assert.equal(healthcheck.stderr, '');
  await assert.rejects(run(bin, ['probe', 'http://127.0.0.1:1/livez'], { cwd: app }), { code: 1 });

  serve.kill('SIGTERM');
  // --shutdown-delay was not given: the default 5 s applies; SIGTERM twice cuts it short, exit 143.
  await until(async () => (await kubeProbe(`${url}/readyz`)).status === 503);
  serve.kill('SIGTERM');
  assert.equal(await exited, 143);
});
