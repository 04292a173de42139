// The log lines that explain a state, the same in the SDK and the sidecar: a check's change, a probe kind's change
// naming the checks that caused it and why, and each check's first result once (so that an app that never became
// ready has a line saying why from its first seconds). Reasons come redacted from core, as in every answer.
import type { ChangeEvent, Engine, HealthStatus } from '@probekit/core';
import { reasonOf, redact } from '@probekit/core/internal';
import type { Logger } from './logger.js';

/** What a host does with the log after a reload. */
export interface StateLog {
  /** Logs these checks' first results again: a reload added or changed them. */
  expect(checks: readonly string[]): void;
}

const SEVERITY: Readonly<Record<HealthStatus, number>> = { pass: 0, warn: 1, fail: 2 };

/**
 * Logs each change of the engine's checks and probe kinds through `logger`, each check's first result once, a
 * shared check's fleet outage, and a run that could not be made (its error redacted with `secrets`).
 */
export function logStates(engine: Engine, logger: Logger, secrets: readonly string[] = []): StateLog {
  engine.on('change', (event) => logChange(engine, logger, event));
  // Loud on purpose: a member kept ready through a failure is news an operator wants in the log.
  engine.on('outage', ({ outage, ...fields }) => {
    if (outage) logger.warn(fields, 'fleet outage began');
    else logger.info(fields, 'fleet outage ended');
  });
  engine.on('discarded', ({ check, error }) =>
    logger.error({ check, error: redact(error.message, secrets) }, 'check run discarded'),
  );
  return logFirstResults(engine, logger);
}

function logChange(engine: Engine, logger: Logger, event: ChangeEvent): void {
  if (event.type === 'check') {
    const level = event.to === 'failing' || event.to === 'stale' ? 'warn' : 'info';
    logger[level](
      {
        check: event.check,
        from: event.from,
        to: event.to,
        ...(event.output !== undefined && { reason: event.output }),
      },
      'check state changed',
    );
    return;
  }
  // Worse: the checks now failing (or warning) say why, as their verbose lines do. Better: they pass, or are gone.
  const reasons: Record<string, string> = {};
  if (SEVERITY[event.to] > SEVERITY[event.from]) {
    // The snapshot the event was made from: events are announced as it is taken.
    const checks = engine.snapshot().byName;
    for (const name of event.checks) {
      const check = checks.get(name);
      if (check) reasons[name] = reasonOf(check, event.probe);
    }
  }
  logger[event.to === 'fail' ? 'warn' : 'info'](
    {
      probe: event.probe,
      from: event.from,
      to: event.to,
      ...(event.reason !== undefined && { reason: event.reason }),
      checks: event.checks,
      ...(Object.keys(reasons).length > 0 && { reasons }),
    },
    'probe state changed',
  );
}

// Once per check (and again for one a reload adds or changes). Reported checks (manual(), the SDK's switches) are
// not run: their reports say it in `check state changed` lines.
function logFirstResults(engine: Engine, logger: Logger): StateLog {
  const seen = new Set<string>();
  engine.on('run', (run) => {
    if (seen.has(run.check)) return;
    seen.add(run.check);
    if (engine.checks.find((check) => check.name === run.check)?.prober.reported) return;
    logger[run.result === 'success' ? 'info' : 'warn'](
      {
        check: run.check,
        result: run.result,
        durationMs: Math.round(run.durationMs * 10) / 10,
        ...(run.output !== undefined && { reason: run.output }),
      },
      'check first result',
    );
  });
  return {
    expect(checks) {
      for (const check of checks) seen.delete(check);
    },
  };
}
