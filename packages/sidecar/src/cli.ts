#!/usr/bin/env node
// The `probekit` binary: serve, probe, wait, check, validate. Exit codes: 0 ok, 1 failed, 2 usage or config error.
import { VERSION } from '@probekit/core';
import { type Command, parseFor } from './cli/command.js';
import { ConfigError, EXIT, UsageError } from './errors.js';

// Each verb is loaded only when run: `probekit probe`, a HEALTHCHECK every few seconds, never loads fastify.
const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  {
    name: 'serve',
    summary: 'run the checks on their schedules and serve /livez /readyz /startupz /healthz /metrics',
    load: async () => (await import('./cli/serve.js')).serve,
  },
  {
    name: 'probe',
    summary: 'one kubelet-style HTTP probe (200-399 passes); exit 0 or 1',
    load: async () => (await import('./cli/probe.js')).probe,
  },
  {
    name: 'wait',
    summary: 'wait until every target passes (for init containers); exit 1 naming those that never did',
    load: async () => (await import('./cli/wait.js')).wait,
  },
  {
    name: 'check',
    summary: 'run every check once and print a table; exit 0 iff every critical check passes',
    load: async () => (await import('./cli/check.js')).check,
  },
  {
    name: 'doctor',
    summary: 'run the Service troubleshooting checklist from inside the pod; exit 1 if it finds a problem',
    load: async () => (await import('./cli/doctor.js')).doctor,
  },
  {
    name: 'status',
    summary: "print a running server's checks: state, since, in a row, last reason; exit 0 iff ready",
    load: async () => (await import('./cli/status.js')).status,
  },
  {
    name: 'validate',
    summary: 'check a config file (and --check targets) without running anything',
    load: async () => (await import('./cli/validate.js')).validate,
  },
  {
    name: 'inject',
    summary: 'wire Kubernetes workloads to a probekit native sidecar (manifests in, manifests out)',
    load: async () => (await import('./cli/inject.js')).injectCommand,
  },
  {
    name: 'lint',
    summary: 'check pods’ probes and probekit configs in manifests; exit 1 on an error finding',
    load: async () => (await import('./cli/lint.js')).lint,
  },
];

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
    const command = await COMMANDS.find((candidate) => candidate.name === rest[0])?.load();
    process.stdout.write(`${command?.help ?? HELP}\n`);
    return EXIT.ok;
  }
  if (verb === '--version' || verb === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === verb);
  try {
    if (!entry) {
      throw new UsageError(verb === undefined ? 'give a command' : `unknown command ${JSON.stringify(verb)}`);
    }
    const command = await entry.load();
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
