// Strict readers of probe answers: a verbose or JSON body is checked against the contract's format and against
// its own status code, so that a torn, truncated or self-contradicting answer is caught wherever it appears.

/**
 * What a verbose line says after its reason (the explain contract): `failing since 2026-12-04T14:33:55Z,
 * 3 in a row`, `failing since …, 1 success, 1 more to pass`, `no success yet, 2 in a row`, `1 success, 1 more
 * to pass`, or on a passing line `1 failure, 2 more to fail`.
 */
export interface Tail {
  readonly text: string;
  /** `failing since` this time (ISO 8601 to the second). */
  readonly since: string | undefined;
  /** Failures in a row. */
  readonly failures: number | undefined;
  /** Successes in a row. */
  readonly successes: number | undefined;
  /** Failures still to come before the check fails, or successes before it passes. */
  readonly more: number | undefined;
}

/** One `[+]name ok` / `[-]name failed: reason` / `[~]name warn: reason` line, its reason without its tail. */
export interface VerboseLine {
  readonly mark: '+' | '-' | '~';
  readonly reason: string | undefined;
  readonly tail: Tail | undefined;
}

export interface VerboseAnswer {
  readonly checks: ReadonlyMap<string, VerboseLine>;
  readonly verdict: 'passed' | 'failed';
  /** `starting`, when readiness waits for startup. */
  readonly reason: string | undefined;
}

const LINE =
  /^\[([+~-])\]([a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?) (?:ok(?: \((.+)\))?|(excluded: ok)|(failed|warn): (.+))$/;
const COUNT = '[1-9]\\d*';
const SINCE = 'failing since (?<since>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)';
const FAILURES = `(?<failures>${COUNT}) (?<failureWord>failures?)`;
const IN_A_ROW = `(?<failures>${COUNT}) in a row`;
const TO_PASS = `(?<successes>${COUNT}) (?<successWord>success(?:es)?), (?<more>${COUNT}) more to pass`;
const form = (source: string) => new RegExp(`^${source}$`);
// A passing line's one tail, then a failing or warning line's (failing, or no verdict yet).
const PASSING_TAILS = [form(`${FAILURES}, (?<more>${COUNT}) more to fail`)];
const NOT_PASSING_TAILS = [
  form(SINCE),
  form(`${SINCE}, ${IN_A_ROW}`),
  form(`${SINCE}, ${TO_PASS}`),
  form(`no success yet, ${IN_A_ROW}`),
  form(TO_PASS),
];
// What a tail starts with: a reason ending in a parenthesis like this is a tail that went wrong.
const TAIL_LIKE = /\((?:failing since|no success yet|\d+ (?:failure|success))[^()]*\)$/;

/** Reads a tail by the contract's forms; undefined when `text` is none of them. */
function readTail(text: string, passing: boolean): Tail | undefined {
  const count = (digits: string | undefined) => (digits === undefined ? undefined : Number(digits));
  for (const tailForm of passing ? PASSING_TAILS : NOT_PASSING_TAILS) {
    const groups = tailForm.exec(text)?.groups;
    if (!groups) continue;
    const failures = count(groups['failures']);
    const successes = count(groups['successes']);
    // `1 failure`, `2 failures`: a count agrees with its word.
    if (groups['failureWord'] && (failures === 1) !== (groups['failureWord'] === 'failure')) return undefined;
    if (groups['successWord'] && (successes === 1) !== (groups['successWord'] === 'success'))
      return undefined;
    const since = groups['since'];
    if (since !== undefined && Number.isNaN(Date.parse(since))) return undefined;
    return { text, since, failures, successes, more: count(groups['more']) };
  }
  return undefined;
}

/**
 * Parses a kube-apiserver style verbose body and checks it is consistent with `status`: 503 iff the
 * verdict is failed; a failed verdict has a `[-]` line or a reason of its own; a passed one has none.
 * Each line's tail is split off its reason and must take one of the contract's forms.
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
    if (!match) return fail(`malformed line ${JSON.stringify(line)}`);
    const [, markText, name, okTail, excluded, word, rest] = match as unknown as (string | undefined)[];
    const mark = markText as VerboseLine['mark'];
    if (checks.has(name!)) fail(`${name} appears twice`);
    const expectedMark = word === 'failed' ? '-' : word === 'warn' ? '~' : '+';
    if (mark !== expectedMark) fail(`mark ${mark} does not match ${JSON.stringify(line)}`);
    if (excluded) {
      checks.set(name!, { mark, reason: undefined, tail: undefined });
      continue;
    }
    if (word === undefined) {
      const tail = okTail === undefined ? undefined : readTail(okTail, true);
      if (okTail !== undefined && !tail) fail(`malformed tail in ${JSON.stringify(line)}`);
      checks.set(name!, { mark, reason: undefined, tail });
      continue;
    }
    const split = / \(([^()]+)\)$/.exec(rest!);
    const tail = split ? readTail(split[1]!, false) : undefined;
    if (!tail && TAIL_LIKE.test(rest!)) fail(`malformed tail in ${JSON.stringify(line)}`);
    const reason = tail ? rest!.slice(0, split!.index) : rest!;
    checks.set(name!, { mark, reason, tail });
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
