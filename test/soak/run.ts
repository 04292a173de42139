// `npm run soak`: the long versions of test/reliability, with figures for docs/reliability.md.
//   1. the sidecar with 200 flapping checks under autocannon load (10 minutes; every answer judged),
//   2. 1,000 timed-out runs of an exec command that forks (processes, zombies and descriptors counted),
//   3. 20 SIGTERMs under load (delay to readiness 503, failed requests, exit codes).
// Options: --minutes N (default 10), --checks N (default 200, half TCP, half HTTP), --json FILE (the report).
// Exits 1 if any property broke.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sidecarDrain } from '../reliability/support/drain.js';
import { execChurn } from '../reliability/support/exec-churn.js';
import { runFlapping } from '../reliability/support/flapping.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    checks: { type: 'string', default: '200' },
    json: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const checks = Number(values.checks);
const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const broken: string[] = [];
const expect = (ok: boolean, what: string) => {
  if (!ok) broken.push(what);
};

log(`flapping: ${checks} checks, ${minutes} min of load`);
const { samples, ...flapping } = await runFlapping({
  tcp: Math.floor(checks / 2),
  http: Math.ceil(checks / 2),
  durationSeconds: minutes * 60,
  warmupSeconds: Math.min(120, minutes * 6),
  progress: log,
});
expect(
  flapping.wrong.count === 0,
  `${flapping.wrong.count} wrong answers: ${flapping.wrong.examples.join('; ')}`,
);
expect(
  flapping.malformed.count === 0,
  `${flapping.malformed.count} malformed: ${flapping.malformed.examples.join('; ')}`,
);
expect(
  flapping.errors === 0 && flapping.timeouts === 0,
  `${flapping.errors} errors, ${flapping.timeouts} timeouts`,
);
expect(
  Object.keys(flapping.statuses).every((status) => status === '200' || status === '503'),
  `statuses ${JSON.stringify(flapping.statuses)}`,
);
expect(flapping.rss.growth < 0.05, `RSS grew ${(flapping.rss.growth * 100).toFixed(1)}% after warm-up`);
expect(
  flapping.fds.final <= flapping.fds.baseline + 2,
  `descriptor floor ${flapping.fds.baseline} → ${flapping.fds.final}`,
);

log('exec: 1,000 timed-out runs of sh -c "sleep 60 & sleep 60", 32 at a time');
const churn = await execChurn({ runs: 1000, parallel: 32 });
expect(churn.unexpected.length === 0, `runs that did not time out: ${churn.unexpected.join(', ')}`);
expect(churn.leftoverProcesses.length === 0, `${churn.leftoverProcesses.length} processes left behind`);
expect(
  churn.fdsAfter <= churn.fdsBefore,
  `descriptors ${churn.fdsBefore} → ${churn.fdsAfter}: ${churn.extraFds.join(', ')}`,
);

log('SIGTERM: 20 times under load');
const flips: number[] = [];
const drains = [];
for (let i = 0; i < 20; i++) {
  const drain = await sidecarDrain();
  drains.push(drain);
  if (drain.flipMs !== undefined) flips.push(drain.flipMs);
  expect(drain.failures.length === 0, `SIGTERM #${i}: ${drain.failures.join('; ')}`);
  expect(drain.exitCode === 0, `SIGTERM #${i}: exit code ${drain.exitCode}`);
  expect(drain.readyAfterAnnounced === 0, `SIGTERM #${i}: readiness 200 after the announcement`);
}
flips.sort((a, b) => a - b);
const sigterm = {
  runs: drains.length,
  flipMs: {
    p50: flips[Math.floor(flips.length / 2)],
    max: flips.at(-1),
  },
  exitMs: { max: Math.max(...drains.map((drain) => drain.exitMs)) },
  requestsServedDuringDrains: drains.reduce((sum, drain) => sum + drain.servedAfterSignal, 0),
  failedRequests: drains.reduce((sum, drain) => sum + drain.failures.length, 0),
};

const report = {
  node: process.version,
  minutes,
  flapping,
  exec: { ...churn, leftoverProcesses: churn.leftoverProcesses.length },
  sigterm,
  broken,
};
if (values.json)
  writeFileSync(values.json, `${JSON.stringify({ ...report, rssSamples: samples }, null, 2)}\n`);

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
console.log(`
probekit soak — node ${process.version}, ${minutes} min
  answers:          ${flapping.requests} (${JSON.stringify(flapping.statuses)}), p99 ${flapping.latencyMs.p99} ms, max ${flapping.latencyMs.max} ms
  judged lines:     ${flapping.judged} against the targets' history; wrong ${flapping.wrong.count}, malformed ${flapping.malformed.count}, stale ${flapping.stale}
  faults injected:  ${flapping.toggles} target toggles; ${flapping.checkRuns} check runs
  errors:           ${flapping.errors} connection errors, ${flapping.timeouts} timeouts
  RSS after warm-up ${mib(flapping.rss.baselineKib)} → ${mib(flapping.rss.finalKib)} median (${(flapping.rss.growth * 100).toFixed(1)}%)
  descriptors:      floor ${flapping.fds.baseline} → ${flapping.fds.final}, peak ${flapping.fds.peak}
  exec:             ${churn.runs} timed-out forking runs; ${churn.leftoverProcesses.length} processes and ${churn.fdsAfter - churn.fdsBefore} descriptors left; slowest ${Math.round(churn.slowestMs)} ms
  SIGTERM:          ${sigterm.runs} runs; readiness 503 after p50 ${sigterm.flipMs.p50?.toFixed(1)} ms, max ${sigterm.flipMs.max?.toFixed(1)} ms; exit ≤ ${Math.round(sigterm.exitMs.max)} ms; ${sigterm.failedRequests} failed requests of ${sigterm.requestsServedDuringDrains} served after the signal
  verdict:          ${broken.length === 0 ? 'all properties held' : `BROKEN:\n    ${broken.join('\n    ')}`}
`);
process.exit(broken.length === 0 ? 0 : 1);
