// `probekit wait --for TARGET… | --config FILE`: block until every target passes, for init containers.
import { InvalidCheckError, type Prober, parseTarget } from '@probekit/core';
import { redact, resolveChecks } from '@probekit/core/internal';
import { formatDuration, parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { type OnceResult, runOnce } from '../once.js';
import { type Command, listFlag, type Parsed, stringFlag } from './command.js';
import { CONFIG_OPTIONS, configFromFlags } from './config-flags.js';

export const wait: Command = {
  name: 'wait',
  help: `Usage: probekit wait [--for TARGET]... [--config FILE] [--timeout DURATION] [--interval DURATION]
                     [--attempt-timeout DURATION] [--progress DURATION]

Probes every target until it passes once, all at the same time. Says every few seconds which are
still down and why. Exits 0 when all have passed, or 1 at the timeout, naming the targets that
never came up and why.
TARGET: tcp://host:port, http(s)://host[:port][/path], grpc://host:port[/service], exec:command args.

Options:
      --for TARGET         a target to wait for, repeatable
  -c, --config FILE        wait for every check of this config file too (docs/sidecar.md), each
                           attempt under the check's timeoutSeconds
      --timeout D          give up after this long (default: 60s)
      --interval D         pause between two attempts at one target (default: 1s)
      --attempt-timeout D  how long one attempt may take (default: 1s, or the check's timeoutSeconds)
      --progress D         how often to list what is still down; 0 for never (default: 5s)
  -h, --help               this help

Examples (an init container):
  probekit wait --for tcp://postgres:5432 --for http://api:8080/readyz --timeout 2m
  probekit wait --config /etc/probekit/dependencies.yaml --timeout 5m`,
  options: {
    for: { type: 'string', multiple: true },
    config: CONFIG_OPTIONS['config']!,
    timeout: { type: 'string' },
    interval: { type: 'string' },
    'attempt-timeout': { type: 'string' },
    progress: { type: 'string' },
  },
  async run(parsed) {
    const hasConfig = stringFlag(parsed, 'config') !== undefined;
    const targets = listFlag(parsed, 'for');
    if (!hasConfig && targets.length === 0)
      throw new UsageError('give --config FILE or at least one --for TARGET', 'wait');
    const duration = (flag: string, fallback: number) => {
      const text = stringFlag(parsed, flag);
      return text === undefined ? fallback : parseDuration(text, `--${flag}`, 'wait');
    };
    const timeoutMs = duration('timeout', 60_000);
    const intervalMs = duration('interval', 1_000);
    const progressMs = duration('progress', 5_000);
    const attemptMs = (fallback: number) => Math.max(1, duration('attempt-timeout', fallback));
    const waited = [
      ...(hasConfig ? await configTargets(parsed, attemptMs) : []),
      ...targets.map((target, index) => forTarget(target, index, attemptMs(1_000))),
    ];

    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    // On stdout with the `is up` lines, so that an init container's log reads in order.
    let reports = 0;
    const progress =
      progressMs > 0
        ? setInterval(() => {
            const heading = `still waiting after ${formatDuration(++reports * progressMs)}`;
            process.stdout.write(notUp(heading, waited));
          }, progressMs)
        : undefined;
    await Promise.all(waited.map((target) => untilUp(target, intervalMs, deadline.signal, started)));
    clearTimeout(timer);
    clearInterval(progress);
    if (waited.every((target) => target.last?.ok)) return 0;
    process.stderr.write(notUp(`timed out after ${formatDuration(timeoutMs)}`, waited));
    return 1;
  },
};

/** One thing waited for, and its last finished attempt. */
interface Waited {
  /** The target, or `name (target)` for a check of the config; redacted. */
  readonly label: string;
  readonly prober: Prober;
  readonly attemptMs: number;
  /** Values to blank from its reasons. */
  readonly secrets: readonly string[];
  last?: OnceResult;
}

function forTarget(target: string, index: number, attemptMs: number): Waited {
  try {
    const prober = parseTarget(target);
    return { label: redact(prober.target), prober, attemptMs, secrets: [] };
  } catch (error) {
    if (error instanceof InvalidCheckError)
      throw new UsageError(redact(`--for[${index}] ${error.message.replace(/^target: /, '')}`), 'wait');
    throw error;
  }
}

/** Every check of `--config`, through the sidecar's own loader: a bad file is a ConfigError (exit 2). */
async function configTargets(parsed: Parsed, attemptMs: (fallback: number) => number): Promise<Waited[]> {
  const config = await configFromFlags(parsed, 'wait').load();
  return resolveChecks(config.checks).map((check) => ({
    label: `${check.name} (${redact(check.prober.target, [...config.secrets, ...(check.prober.secrets ?? [])])})`,
    prober: check.prober,
    attemptMs: attemptMs(check.timeoutSeconds * 1000),
    secrets: config.secrets,
  }));
}

/** `heading; not up:` and one line per target not up yet, with its last reason. */
function notUp(heading: string, waited: readonly Waited[]): string {
  const lines = waited
    .filter((target) => !target.last?.ok)
    .map((target) => `  ${target.label}: ${target.last?.reason ?? 'no attempt finished'}`);
  return `${heading}; not up:\n${lines.join('\n')}\n`;
}

/** Attempts until one passes or the deadline, keeping the last finished attempt in `target.last`. */
async function untilUp(target: Waited, intervalMs: number, deadline: AbortSignal, started: number) {
  while (!deadline.aborted) {
    const result = await runOnce(target.prober, target.attemptMs, target.secrets, deadline);
    if (result.result === 'cancelled') break;
    target.last = result;
    if (result.ok) {
      process.stdout.write(`${target.label} is up after ${formatDuration(performance.now() - started)}\n`);
      break;
    }
    await pause(intervalMs, deadline);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
