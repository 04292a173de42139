// `probekit wait --for TARGET…`: block until every target passes, for init containers.
import { InvalidCheckError, type Prober, parseTarget, redact } from '@probekit/core';
import { formatDuration, parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { type OnceResult, runOnce } from '../once.js';
import { type Command, listFlag, stringFlag } from './command.js';

export const wait: Command = {
  name: 'wait',
  help: `Usage: probekit wait --for TARGET... [--timeout DURATION] [--interval DURATION] [--attempt-timeout DURATION]

Probes every target until it passes once, all at the same time. Exits 0 when all have passed,
or 1 at the timeout, naming the targets that never came up and why.
TARGET: tcp://host:port, http(s)://host[:port][/path], grpc://host:port[/service], exec:command args.

Options:
      --for TARGET         a target to wait for, repeatable
      --timeout D          give up after this long (default: 60s)
      --interval D         pause between two attempts at one target (default: 1s)
      --attempt-timeout D  how long one attempt may take (default: 1s)
  -h, --help               this help

Example (an init container):
  probekit wait --for tcp://postgres:5432 --for http://api:8080/readyz --timeout 2m`,
  options: {
    for: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    interval: { type: 'string' },
    'attempt-timeout': { type: 'string' },
  },
  async run(parsed) {
    const targets = listFlag(parsed, 'for');
    if (targets.length === 0) throw new UsageError('give at least one --for TARGET', 'wait');
    const duration = (flag: string, fallback: number) => {
      const text = stringFlag(parsed, flag);
      return text === undefined ? fallback : parseDuration(text, `--${flag}`, 'wait');
    };
    const timeoutMs = duration('timeout', 60_000);
    const intervalMs = duration('interval', 1_000);
    const attemptMs = Math.max(1, duration('attempt-timeout', 1_000));
    const probers = targets.map((target, index) => {
      try {
        return parseTarget(target);
      } catch (error) {
        if (error instanceof InvalidCheckError)
          throw new UsageError(redact(`--for[${index}] ${error.message.replace(/^target: /, '')}`), 'wait');
        throw error;
      }
    });
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const results = await Promise.all(
      probers.map((prober) => untilUp(prober, attemptMs, intervalMs, deadline.signal, started)),
    );
    clearTimeout(timer);
    const down = probers
      .map((prober, index) => ({ prober, last: results[index] }))
      .filter(({ last }) => !last?.ok);
    if (down.length === 0) return 0;
    const lines = down.map(
      ({ prober, last }) => `  ${redact(prober.target)}: ${last?.reason ?? 'no attempt finished'}`,
    );
    process.stderr.write(`timed out after ${formatDuration(timeoutMs)}; not up:\n${lines.join('\n')}\n`);
    return 1;
  },
};

/** Attempts until one passes or the deadline; resolves the last finished attempt. */
async function untilUp(
  prober: Prober,
  attemptMs: number,
  intervalMs: number,
  deadline: AbortSignal,
  started: number,
): Promise<OnceResult | undefined> {
  let last: OnceResult | undefined;
  while (!deadline.aborted) {
    const result = await runOnce(prober, attemptMs, [], deadline);
    if (result.result === 'cancelled') break;
    last = result;
    if (result.ok) {
      process.stdout.write(
        `${redact(prober.target)} is up after ${formatDuration(performance.now() - started)}\n`,
      );
      break;
    }
    await pause(intervalMs, deadline);
  }
  return last;
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
