// What every verb shares: its help, its flags (node:util parseArgs, strict) and one way to report usage errors.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { fits, type NumberField } from '@probekit/core/internal';
import { UsageError } from '../errors.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Parsed flags: strings, booleans, or lists for repeatable ones. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/** One verb of the `probekit` binary. */
export interface Command {
  readonly name: string;
  /** The full `--help` text. */
  readonly help: string;
  readonly options: OptionSpecs;
  /** How many positional arguments it takes. @default 0 */
  readonly maxPositionals?: number;
  /** Runs the verb; resolves the exit code. */
  run(parsed: Parsed): Promise<number>;
}

const HELP: OptionSpecs = { help: { type: 'boolean', short: 'h' } };

/** Parses `argv` for `command`; `undefined` means `--help` was asked for. Throws UsageError on anything unknown. */
export function parseFor(command: Command, argv: readonly string[]): Parsed | undefined {
  let parsed: Parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, ...HELP },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }), command.name);
  }
  if (parsed.values['help'] === true) return undefined;
  const max = command.maxPositionals ?? 0;
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals[max];
    throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, command.name);
  }
  return parsed;
}

/** A string flag's value, or undefined. */
export function stringFlag(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A port flag's value: decimal digits (no hex, no exponent, no spaces, which Number() would take) within
 * core's bounds for `field` (PORT_FIELD, or LISTEN_PORT_FIELD where 0 picks a free one), in its words.
 */
export function portFlag(text: string, flag: string, field: NumberField, command: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!fits(field, port))
    throw new UsageError(`${flag} ${field.message}, got ${JSON.stringify(text)}`, command);
  return port;
}

/** A repeatable string flag's values. */
export function listFlag(parsed: Parsed, name: string): string[] {
  const value = parsed.values[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

// parseArgs' messages explain positionals at length; the flag itself is what the user needs to see.
function describeParseError(error: Error & { code?: string }): string {
  const flag = (/--[A-Za-z0-9-]+/.exec(error.message) ?? /-[A-Za-z0-9]/.exec(error.message))?.[0];
  if (!flag) return error.message;
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return error.message.includes('argument missing')
      ? `option ${flag} needs a value`
      : `option ${flag} takes no value`;
  }
  return error.message;
}
