// docker/Dockerfile built and run without Docker: its instructions are read from the file and done one by one
// (every COPY through docker/Dockerfile.dockerignore, every RUN as written, each stage in a folder standing
// for its root), then its ENTRYPOINT runs `probekit serve` and its HEALTHCHECK probes it. The file and this
// test cannot drift apart: an instruction this test does not know fails it.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { Context, expand, type Instruction, pairs, parseDockerfile, type Stage } from './dockerfile.js';
import { kubeProbe, ROOT, tcpTarget, tempDir, until } from './helpers.js';

const run = promisify(execFile);
const DOCKERFILE = join(ROOT, 'docker/Dockerfile');
const stages = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
const context = new Context(ROOT, join(ROOT, 'docker/Dockerfile.dockerignore'));
const json = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const sidecarPackage = json('packages/sidecar/package.json') as {
  version: string;
  license: string;
  dependencies: Record<string, string>;
};

/** A stage after its instructions: its root folder, and what it declares for the container. */
interface Built {
  readonly root: string;
  workdir: string;
  readonly env: Record<string, string>;
  readonly args: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly skipped: Instruction[];
  user?: string;
  expose?: string;
  healthcheck?: Instruction;
  entrypoint?: readonly string[] | undefined;
  cmd?: readonly string[] | undefined;
}

// What a RUN sees of this machine: its environment (node, npm, the network's proxy and CA settings) without the
// npm_* variables of an outer `npm test`; the npm cache stands for the Dockerfile's cache mount.
const HOST_ENV: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => !entry[0].startsWith('npm_') && entry[1] !== undefined,
    ),
  ),
  npm_config_prefer_offline: 'true',
  npm_config_update_notifier: 'false',
  npm_config_loglevel: 'error',
};

async function build(stage: Stage, root: string, done: ReadonlyMap<string, Built>): Promise<Built> {
  const built: Built = { root, workdir: '/', env: {}, args: {}, labels: {}, skipped: [] };
  const local = (path: string) => join(root, posix.resolve(built.workdir, path));
  const workdirs: string[] = [];
  // An absolute path under a WORKDIR of this stage is a path in its folder.
  const mapPaths = (value: string) =>
    value
      .split(':')
      .map((part) =>
        workdirs.some((dir) => part === dir || part.startsWith(`${dir}/`)) ? join(root, part) : part,
      )
      .join(':');
  for (const instruction of stage.instructions) {
    const where = `Dockerfile:${instruction.line} ${instruction.keyword}`;
    const vars = { ...HOST_ENV, ...built.args, ...built.env };
    switch (instruction.keyword) {
      case 'WORKDIR':
        built.workdir = posix.resolve(built.workdir, expand(instruction.args, vars));
        workdirs.push(built.workdir);
        mkdirSync(local('.'), { recursive: true });
        break;
      case 'ARG':
        for (const [key, value] of pairs(instruction.args)) built.args[key] = value ?? '';
        break;
      case 'ENV':
        for (const [key, value] of pairs(instruction.args))
          built.env[key] = mapPaths(expand(value ?? '', vars));
        break;
      case 'LABEL':
        for (const [key, value] of pairs(instruction.args)) built.labels[key] = expand(value ?? '', vars);
        break;
      case 'COPY':
        copy(instruction, local, done, where, vars);
        break;
      case 'RUN': {
        const command = instruction.exec?.join(' ') ?? instruction.args;
        // Installing OS packages is the one step this machine has done already (CI installs tini).
        if (/^apt-get /.test(command)) {
          built.skipped.push(instruction);
          break;
        }
        assert.doesNotMatch(command, /(^|[\s=])\//, `${where}: an absolute path; only WORKDIR is mapped`);
        await run('sh', ['-c', command], {
          cwd: local('.'),
          env: { ...vars },
          timeout: 150_000,
          maxBuffer: 16 * 1024 * 1024,
        }).catch((error: Error & { stdout?: string; stderr?: string }) => {
          throw new Error(`${where} failed: ${error.message}${error.stdout ?? ''}`);
        });
        break;
      }
      case 'USER':
        built.user = instruction.args;
        break;
      case 'EXPOSE':
        built.expose = instruction.args;
        break;
      case 'HEALTHCHECK':
        built.healthcheck = instruction;
        break;
      case 'ENTRYPOINT':
        built.entrypoint = instruction.exec;
        break;
      case 'CMD':
        built.cmd = instruction.exec;
        break;
      default:
        assert.fail(`${where}: this test does not know how to do it; teach it`);
    }
  }
  return built;
}

function copy(
  instruction: Instruction,
  local: (path: string) => string,
  done: ReadonlyMap<string, Built>,
  where: string,
  vars: Record<string, string>,
): void {
  const words = (instruction.exec ?? instruction.args.split(/\s+/)).map((word) => expand(word, vars));
  const destination = words.at(-1)!;
  const sources = words.slice(0, -1);
  assert.ok(
    sources.length === 1 || destination.endsWith('/'),
    `${where}: several sources need a folder (/) as destination`,
  );
  const from = instruction.flags['from'];
  if (from !== undefined) {
    const stage = done.get(from);
    assert.ok(stage, `${where}: no earlier stage named ${from}`);
    for (const source of sources) cpSync(join(stage.root, source), local(destination), { recursive: true });
    return;
  }
  for (const source of sources) {
    const files = context.files(source);
    // Docker fails the same way: a source the ignore file leaves out is not in the context.
    assert.ok(
      files.length > 0,
      `${where}: ${source} is not in the build context (docker/Dockerfile.dockerignore)`,
    );
    const folder = files.length > 1 || files[0] !== source;
    for (const file of files) {
      const target = folder
        ? join(local(destination), relative(source, file))
        : destination.endsWith('/')
          ? join(local(destination), posix.basename(file))
          : local(destination);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(ROOT, file), target);
    }
  }
}

describe('docker/Dockerfile, built and run without Docker', { timeout: 300_000 }, () => {
  const temp = tempDir('probekit-image-');
  const built = new Map<string, Built>();
  let runtime: Built;
  let app: string;

  before(
    async () => {
      // The runtime runs as the image's USER where this test can switch users, so its folders must be reachable.
      chmodSync(temp.dir, 0o755);
      for (const [index, stage] of stages.entries()) {
        const root = join(temp.dir, stage.name ?? `stage-${index}`);
        built.set(stage.name ?? String(index), await build(stage, root, built));
      }
      runtime = [...built.values()].at(-1)!;
      app = join(runtime.root, runtime.workdir);
    },
    { timeout: 280_000 },
  );
  after(() => temp.remove());

  it('is two stages on node:24-slim, labelled with the source, the version and the license', () => {
    assert.deepEqual(
      stages.map((stage) => stage.image),
      ['node:24-slim', 'node:24-slim'],
    );
    assert.equal(runtime.labels['org.opencontainers.image.version'], sidecarPackage.version);
    assert.equal(runtime.labels['org.opencontainers.image.licenses'], sidecarPackage.license);
    assert.match(
      runtime.labels['org.opencontainers.image.source'] ?? '',
      /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/,
    );
    const license = readFileSync(join(app, 'LICENSE'), 'utf8');
    assert.equal(license, readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    assert.match(license, /^\s*Apache License\s+Version 2\.0, January 2004\b/);
    assert.match(license, /END OF TERMS AND CONDITIONS/, 'the full text');
  });

  it('installs the runtime dependencies from the workspace lockfile: production only, no tests', () => {
    const lock = json('package-lock.json') as {
      packages: Record<string, { version?: string; dev?: boolean }>;
    };
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/.package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; integrity?: string; link?: boolean }>;
    };
    const names = Object.keys(installed.packages).filter((key) => key.startsWith('node_modules/'));
    for (const name of names) {
      const locked = lock.packages[name];
      assert.ok(locked, `${name} is not in package-lock.json: resolved afresh`);
      assert.equal(installed.packages[name]?.version, locked.version, name);
      assert.ok(!locked.dev, `${name} is a devDependency`);
    }
    for (const dev of ['typescript', 'kubernetes-models', 'tsx', '@grpc/grpc-js'])
      assert.ok(!existsSync(join(app, 'node_modules', dev)), `${dev} was installed`);
    // The sidecar and the workspace packages it needs are linked, and hold what npm would publish.
    const own = Object.keys(sidecarPackage.dependencies).filter((name) => name.startsWith('@probekit/'));
    for (const name of ['@probekit/sidecar', ...own]) {
      assert.equal(installed.packages[`node_modules/${name}`]?.link, true, name);
      const folder = join(app, 'node_modules', name);
      const files = readdirSync(folder);
      assert.ok(files.includes('dist') && !files.includes('test'), `${name}: ${files.join(' ')}`);
      assert.ok(existsSync(join(folder, 'LICENSE')), `${name}: LICENSE`);
      const { dependencies = {} } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      for (const dependency of Object.keys(dependencies))
        assert.ok(names.includes(`node_modules/${dependency}`), `${name} needs ${dependency}`);
    }
    assert.ok(existsSync(join(app, 'packages/sidecar/schema/probekit.schema.json')));
  });

  it('runs `probekit serve` under `tini -s`, answers its HEALTHCHECK, and stops on SIGTERM', async (t) => {
    assert.deepEqual(
      runtime.skipped.map((instruction) => /\btini\b/.test(instruction.args)),
      [true],
    );
    assert.equal(runtime.entrypoint?.[0], '/usr/bin/tini');
    assert.ok(existsSync('/usr/bin/tini'), 'tini is not installed here: apt-get install -y tini');
    // docker run's arguments replace CMD; the default CMD reads the file compose and the k8s manifests mount.
    assert.deepEqual(runtime.cmd, ['serve', '--config', '/etc/probekit/probekit.yaml']);
    const compose = parseYaml(readFileSync(join(ROOT, 'docker/compose.yaml'), 'utf8'));
    assert.ok(
      (compose.services.probekit.volumes as string[]).some((volume) =>
        volume.includes(':/etc/probekit/probekit.yaml:'),
      ),
    );
    assert.equal(compose.services.probekit.image, `probekit:${sidecarPackage.version}`);

    const db = await tcpTarget();
    t.after(() => db.close());
    // As the image's USER where this test may switch users (it runs as root in CI).
    const [uid, gid] = (runtime.user ?? '').split(':').map(Number);
    const asUser = process.getuid?.() === 0 && uid !== undefined ? { uid, gid: gid ?? uid } : {};
    const env = { ...runtime.env, HOME: temp.dir };
    const [command = '', ...entryArgs] = runtime.entrypoint ?? [];
    const serve = spawn(
      command,
      [...entryArgs, 'serve', '--check', `tcp://127.0.0.1:${db.port}`, '--port', '0', '--host', '127.0.0.1'],
      { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], ...asUser },
    );
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    t.after(async () => {
      if (serve.exitCode !== null) return;
      // After a failed assertion: probekit too, which tini has put in a process group of its own.
      const tini = serve.pid!;
      const children = readFileSync(`/proc/${tini}/task/${tini}/children`, 'utf8').split(' ').filter(Boolean);
      for (const child of children) process.kill(Number(child), 'SIGKILL');
      serve.kill('SIGKILL');
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
    // Not PID 1 here, as under shareProcessNamespace: without -s tini would warn that it cannot reap.
    assert.equal(stderr, '');

    // The HEALTHCHECK, as Docker runs it: the shell form through sh, with the image's environment.
    const healthcheck = runtime.healthcheck;
    assert.ok(healthcheck);
    const [, form = '', probe = ''] = /^(CMD)\s+(.*)$/.exec(healthcheck.args) ?? [];
    assert.equal(form, 'CMD');
    assert.match(probe, /\$\{PROBEKIT_PORT\}/);
    assert.doesNotMatch(probe, /8099/, 'the port comes from PROBEKIT_PORT, not the command');
    assert.equal(runtime.env['PROBEKIT_PORT'], '8099');
    // The image's heap flag reaches the process it starts (node refuses to start on a flag it does not know).
    assert.equal(runtime.env['NODE_OPTIONS'], '--max-semi-space-size=1');
    assert.equal(runtime.expose, runtime.env['PROBEKIT_PORT']);
    const port = new URL(url).port;
    const check = (probePort: string) =>
      run('sh', ['-c', probe], { cwd: app, env: { ...env, PROBEKIT_PORT: probePort }, ...asUser });
    assert.deepEqual(await check(port), { stdout: '', stderr: '' });
    await assert.rejects(check('1'), { code: 1 });

    serve.kill('SIGTERM');
    // No --shutdown-delay: the default 5 s applies; tini passes a second SIGTERM on, which cuts it short.
    await until(async () => (await kubeProbe(`${url}/readyz`)).status === 503);
    serve.kill('SIGTERM');
    assert.equal(await exited, 143);
  });
});
