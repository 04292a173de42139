// Structured logs: one JSON line per event on stdout, for whatever collects the container's output.

export type Level = 'info' | 'warn' | 'error';

/** Writes one event; `fields` are merged into the line after `time`, `level` and `msg`. */
export type Logger = (level: Level, msg: string, fields?: Readonly<Record<string, unknown>>) => void;

/** A logger writing to `write` (stdout by default; on Linux a pipe write is synchronous, so no line is lost at exit). */
export function createLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  return (level, msg, fields = {}) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
}
