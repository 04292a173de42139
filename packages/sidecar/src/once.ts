// One run of a prober outside the engine (probe, wait, check, doctor): core's runProber, with the reason redacted as the engine would.
import type { Prober, ResolvedCheck } from '@probekit/core';
import { redact, resolveChecks, runProber } from '@probekit/core/internal';
import type { SidecarConfig } from './config/load.js';

export interface OnceResult {
  readonly ok: boolean;
  /** `unknown`: the prober could not decide; `cancelled`: `cancel` fired first. */
  readonly result: 'success' | 'failure' | 'timeout' | 'unknown' | 'cancelled';
  /** Why it failed, or the warning of a success; redacted and capped. */
  readonly reason: string | undefined;
  readonly durationMs: number;
}

/** Runs `prober` once under `timeoutMs`. */
export async function runOnce(
  prober: Prober,
  timeoutMs: number,
  secrets: readonly string[] = [],
  cancel?: AbortSignal,
): Promise<OnceResult> {
  const end = await runProber(prober, timeoutMs, cancel);
  const clean = (text: string | undefined) =>
    text === undefined ? undefined : redact(text, [...secrets, ...(prober.secrets ?? [])]);
  switch (end.result) {
    case 'cancelled':
      return { ok: false, result: 'cancelled', reason: 'cancelled', durationMs: end.durationMs };
    case 'unknown':
      return { ok: false, result: 'unknown', reason: clean(end.error.message), durationMs: end.durationMs };
    default:
      return {
        ok: end.outcome.ok,
        result: end.result,
        reason: clean(end.outcome.ok ? end.outcome.warning : end.outcome.output),
        durationMs: end.durationMs,
      };
  }
}

/** `pass`, `fail`, `timeout`, `error` (could not be run) or `warn` (a non-critical check that did not pass). */
export type CheckWord = 'pass' | 'fail' | 'timeout' | 'error' | 'warn';

/** A check of a config, with its target as it may be shown. */
export interface ConfigCheck {
  readonly check: ResolvedCheck;
  /** The prober's target with the config's secrets blanked: a token in a query, a password in a command line. */
  readonly target: string;
}

export interface CheckRun extends ConfigCheck {
  readonly result: OnceResult;
  readonly word: CheckWord;
}

/** The config's checks, resolved, each with its printable target. */
export function configChecks(config: SidecarConfig): ConfigCheck[] {
  return resolveChecks(config.checks).map((check) => ({
    check,
    target: redact(check.prober.target, [...config.secrets, ...(check.prober.secrets ?? [])]),
  }));
}

/** Runs every check of `config` once, all at the same time, each under its timeoutSeconds (`probekit check`, `doctor`). */
export async function runChecksOnce(
  config: SidecarConfig,
  checks: readonly ConfigCheck[] = configChecks(config),
): Promise<CheckRun[]> {
  const results = await Promise.all(
    checks.map(({ check }) => runOnce(check.prober, check.timeoutSeconds * 1000, config.secrets)),
  );
  return checks.map((entry, index) => {
    const result = results[index]!;
    return { ...entry, result, word: wordFor(result, entry.check.critical) };
  });
}

function wordFor(result: OnceResult, critical: boolean): CheckWord {
  if (result.ok) return 'pass';
  if (!critical) return 'warn';
  if (result.result === 'unknown') return 'error';
  return result.result === 'timeout' ? 'timeout' : 'fail';
}
