// Strict readers of probe answers: a verbose or JSON body is checked against the contract's format and against
// its own status code, so that a torn, truncated or self-contradicting answer is caught wherever it appears.

/** One `[+]name ok` / `[-]name failed: reason` / `[~]name warn: reason` line. */
export interface VerboseLine {
  readonly mark: '+' | '-' | '~';
  readonly reason: string | undefined;
}

export interface VerboseAnswer {
  readonly checks: ReadonlyMap<string, VerboseLine>;
  readonly verdict: 'passed' | 'failed';
  /** `starting`, when readiness waits for startup. */
  readonly reason: string | undefined;
}

const LINE = /^\[([+~-])\]([a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?) (ok|excluded: ok|failed: (.+)|warn: (.+))$/;

/**
 * Parses a kube-apiserver style verbose body and checks it is consistent with `status`: 503 iff the
 * verdict is failed; a failed verdict has a `[-]` line or a reason of its own; a passed one has none.
 * Throws with the body on any violation.
 */
export function parseVerbose(status: number, body: string, segment: string): VerboseAnswer {
  const fail = (why: string): never => {
    throw new Error(`${why} (status ${status}):\n${body}`);
  };
  if (!body.endsWith('\n')) fail('a verbose body ends with a newline');
  const lines = body.slice(0, -1).split('\n');
  const last = lines.pop() ?? '';
  const verdictMatch = new RegExp(`^${segment} check (passed|failed)(?:: (.+))?$`).exec(last);
  if (!verdictMatch) return fail(`the last line is not "${segment} check passed|failed"`);
  const verdict = verdictMatch[1] as 'passed' | 'failed';
  const checks = new Map<string, VerboseLine>();
  for (const line of lines) {
    if (line.startsWith('warn: some health checks cannot be excluded')) continue;
    const match = LINE.exec(line);
    if (!match) fail(`malformed line ${JSON.stringify(line)}`);
    const name = match![2]!;
    if (checks.has(name)) fail(`${name} appears twice`);
    const word = match![4]!;
    const mark = match![1] as VerboseLine['mark'];
    const expectedMark = word.startsWith('failed') ? '-' : word.startsWith('warn') ? '~' : '+';
    if (mark !== expectedMark) fail(`mark ${mark} does not match "${word}"`);
    checks.set(name, { mark, reason: match![5] ?? match![6] });
  }
  const anyFailed = [...checks.values()].some((line) => line.mark === '-');
  const reason = verdictMatch[2];
  if ((status === 503) !== (verdict === 'failed')) fail('status and verdict disagree');
  if (status !== 200 && status !== 503) fail('a probe answers 200 or 503');
  if (verdict === 'passed' && (anyFailed || reason !== undefined)) fail('passed with a failing line');
  if (verdict === 'failed' && !anyFailed && reason === undefined) fail('failed without a failing line');
  return { checks, verdict, reason };
}

/** One check of an IETF health+json body. */
export interface JsonCheck {
  readonly status: 'pass' | 'warn' | 'fail';
  readonly output?: string;
  readonly time?: string;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
}

/** Parses a health+json body and checks it against `status`: 503 iff `fail`, which needs a failing check or an output. */
export function parseHealthJson(status: number, body: string): Map<string, JsonCheck> {
  const fail = (why: string): never => {
    throw new Error(`${why} (status ${status}):\n${body}`);
  };
  let parsed: { status?: unknown; output?: unknown; checks?: Record<string, unknown> };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return fail('not JSON');
  }
  if (!['pass', 'warn', 'fail'].includes(String(parsed.status))) fail('status is not pass|warn|fail');
  if ((status === 503) !== (parsed.status === 'fail')) fail('HTTP status and JSON status disagree');
  const checks = new Map<string, JsonCheck>();
  for (const [name, entries] of Object.entries(parsed.checks ?? {})) {
    if (!Array.isArray(entries) || entries.length !== 1) fail(`checks.${name} is not an array of one`);
    const entry = (entries as JsonCheck[])[0]!;
    if (!['pass', 'warn', 'fail'].includes(entry.status)) fail(`checks.${name}.status`);
    if ((entry.status === 'pass') !== (entry.output === undefined)) fail(`checks.${name}.output`);
    if (!Number.isInteger(entry.consecutiveSuccesses) || !Number.isInteger(entry.consecutiveFailures))
      fail(`checks.${name} counters`);
    checks.set(name, entry);
  }
  const anyFailed = [...checks.values()].some((check) => check.status === 'fail');
  if (parsed.status === 'fail' && !anyFailed && parsed.output === undefined) fail('fail without a cause');
  if (parsed.status !== 'fail' && anyFailed) fail('a failing check in a passing answer');
  return checks;
}
