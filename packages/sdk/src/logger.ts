// Where the SDK's few log lines go: any pino-style logger (fastify's `app.log`), or JSON lines on stderr.
import { InvalidOptionError } from './errors.js';

/** The subset of a pino/fastify logger the SDK uses: `(fields, message)`. */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

type Level = 'info' | 'warn' | 'error';

function line(level: Level) {
  return (fields: Record<string, unknown>, message: string): void => {
    // console.error is synchronous for files and pipes, so the last line is written before process.exit().
    console.error(
      JSON.stringify({ level, time: new Date().toISOString(), name: 'probekit', msg: message, ...fields }),
    );
  };
}

/** One JSON object per line on stderr: `{"level":"info","time":…,"name":"probekit","msg":…,…fields}`. */
export const jsonLogger: Logger = Object.freeze({
  info: line('info'),
  warn: line('warn'),
  error: line('error'),
});

export function resolveLogger(value: unknown): Logger {
  if (value === undefined) return jsonLogger;
  const candidate = value as Partial<Logger> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.info !== 'function' ||
    typeof candidate.warn !== 'function' ||
    typeof candidate.error !== 'function'
  ) {
    throw new InvalidOptionError(
      'logger',
      'must have info, warn and error methods (a pino or fastify logger)',
      value,
    );
  }
  return candidate as Logger;
}
