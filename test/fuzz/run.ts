// `npm run fuzz`: the hostile-input properties of test/reliability with many more cases.
//   1. HTTP: random requests and malformed bytes over raw sockets, against the sidecar and every SDK adapter,
//   2. config: mutated configs through the loader in-process, a sample through `probekit validate`,
//   3. reload: broken files through SIGHUP on a running sidecar, whose config must stay as it was.
// Options: --http N (cases per property and server, default 10000), --config N (default 10000), --seed N.
// Exits 1 on the first broken property, with the shrunk counterexample.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@probekit/sidecar';
import fc from 'fast-check';
import {
  checkConfig,
  checkReloadsRefused,
  configCase,
  FUZZ_ENV,
} from '../reliability/support/config-properties.js';
import {
  checkMalformed,
  checkRequest,
  malformedCase,
  requestCase,
} from '../reliability/support/http-properties.js';
import { describeServer, PROBE_SERVERS, startProbeServers } from '../reliability/support/probe-servers.js';
import { assertProperty } from '../reliability/support/property.js';
import { runCli } from '../sidecar/helpers.js';

const { values } = parseArgs({
  options: {
    http: { type: 'string', default: '10000' },
    config: { type: 'string', default: '10000' },
    seed: { type: 'string' },
  },
});
const httpRuns = Number(values.http);
const configRuns = Number(values.config);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
fc.configureGlobal({ seed });
const log = (line: string) => console.log(`[fuzz ${new Date().toISOString().slice(11, 19)}] ${line}`);
const figures: string[] = [];
const timed = async (what: string, run: () => Promise<void>) => {
  const started = performance.now();
  log(what);
  await run();
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  figures.push(`${what}: held (${seconds} s)`);
};

log(`seed ${seed} (rerun with --seed ${seed})`);
const dir = mkdtempSync(join(tmpdir(), 'probekit-fuzz-'));
const servers = await startProbeServers();
try {
  for (const server of PROBE_SERVERS) {
    const port = servers.ports.get(server)!;
    const show = (bytes: Buffer) => JSON.stringify(bytes.toString('latin1'));
    await timed(`${describeServer(server)}: ${httpRuns} random requests`, () =>
      assertProperty(
        requestCase,
        (request) => checkRequest(port, request),
        httpRuns,
        (request) => show(request.bytes),
      ),
    );
    await timed(`${describeServer(server)}: ${httpRuns} malformed requests`, () =>
      assertProperty(malformedCase, (bytes) => checkMalformed(port, bytes), httpRuns, show),
    );
    if (servers.processes.get(server)!.exitCode !== null) throw new Error(`${describeServer(server)} exited`);
  }

  await timed(`config: ${configRuns} mutated files through the loader`, () =>
    assertProperty(
      configCase,
      (config) => checkConfig(dir, config),
      configRuns,
      (config) => `${config.what}:\n${config.text.slice(0, 2000)}`,
    ),
  );

  await timed('config: 200 of them through probekit validate, against the loader', async () => {
    const cases = fc.sample(configCase, { numRuns: 200 });
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(
        cases.slice(i, i + 8).map(async (config, j) => {
          const file = join(dir, `validate-${i + j}.yaml`);
          writeFileSync(file, config.text);
          const accepted = await loadConfig({ file, env: FUZZ_ENV }).then(
            () => true,
            () => false,
          );
          const cli = await runCli(['validate', '--config', file], { env: FUZZ_ENV });
          if (cli.code !== (accepted ? 0 : 2) || /\n\s+at /.test(cli.stderr))
            throw new Error(
              `${config.what}: the loader ${accepted ? 'accepted' : 'refused'}, validate exited ${cli.code}:\n${cli.stderr}`,
            );
        }),
      );
    }
  });

  await timed('reload: 200 broken files through SIGHUP, the running config unchanged', async () => {
    const broken = fc
      .sample(configCase, { numRuns: 4000 })
      .filter((config) => config.invalid)
      .slice(0, 200);
    const why = await checkReloadsRefused(dir, broken);
    if (why) throw new Error(why);
  });
} catch (error) {
  console.error(`\nBROKEN (seed ${seed}):\n${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await servers.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\nprobekit fuzz — node ${process.version}, seed ${seed}\n  ${figures.join('\n  ')}\n`);
