#!/usr/bin/env node
// The `probekit` binary: serve, probe, wait, check, validate. Exit codes: 0 ok, 1 failed, 2 usage or config error.
import { VERSION } from '@probekit/core';
import { check } from './cli/check.js';
import { type Command, parseFor } from './cli/command.js';
import { probe } from './cli/probe.js';
import { serve } from './cli/serve.js';
import { validate } from './cli/validate.js';
import { wait } from './cli/wait.js';
import { ConfigError, EXIT, UsageError } from './errors.js';

const COMMANDS: readonly Command[] = [serve, probe, wait, check, validate];

const HELP = `probekit ${VERSION}: Kubernetes probes for any container, with kubelet semantics.

Usage: probekit <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

Run 'probekit <command> --help' for its options. Exit codes: 0 ok, 1 failed, 2 usage or config error.
Docs: docs/sidecar.md`;

/** Runs the CLI; resolves the exit code. Never throws for user errors. */
export async function main(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--help' || verb === '-h' || verb === 'help') {
    const command = COMMANDS.find((candidate) => candidate.name === rest[0]);
    process.stdout.write(`${command?.help ?? HELP}\n`);
    return EXIT.ok;
  }
  if (verb === '--version' || verb === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === verb);
  try {
    if (!command) {
      throw new UsageError(verb === undefined ? 'give a command' : `unknown command ${JSON.stringify(verb)}`);
    }
    const parsed = parseFor(command, rest);
    if (!parsed) {
      process.stdout.write(`${command.help}\n`);
      return EXIT.ok;
    }
    return await command.run(parsed);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.verb ? `probekit ${error.verb} --help` : 'probekit --help';
      process.stderr.write(
        `probekit${error.verb ? ` ${error.verb}` : ''}: ${error.message}\nSee '${help}'.\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`probekit: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
