// Structured logs: one JSON line per event on stdout, for whatever collects the container's output.
import type { Logger as SdkLogger } from '@probekit/sdk';

export type Level = 'info' | 'warn' | 'error';

/** Writes one event; `fields` are merged into the line after `time`, `level` and `msg`. */
export type Logger = (level: Level, msg: string, fields?: Readonly<Record<string, unknown>>) => void;

/** A logger writing to `write` (stdout by default; on Linux a pipe write is synchronous, so no line is lost at exit). */
export function createLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  return (level, msg, fields = {}) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
}

/** The same logger with the SDK's `(fields, message)` methods, for what the sidecar runs of the SDK's. */
export function sdkLogger(log: Logger): SdkLogger {
  return {
    info: (fields, message) => log('info', message, fields),
    warn: (fields, message) => log('warn', message, fields),
    error: (fields, message) => log('error', message, fields),
  };
}
