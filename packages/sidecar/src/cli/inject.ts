// `probekit inject`: wire workloads to a probekit native sidecar; manifests in, manifests out.
import { InvalidCheckError } from '@probekit/core';
import { PORT_FIELD } from '@probekit/core/internal';
import { UsageError } from '../errors.js';
import { inject } from '../manifests/inject.js';
import { SIDECAR_DEFAULTS } from '../manifests/sidecar.js';
import { readInputs } from '../manifests/sources.js';
import { targetToCheck } from '../manifests/targets.js';
import { type Command, listFlag, portFlag, stringFlag } from './command.js';

export const injectCommand: Command = {
  name: 'inject',
  help: `Usage: probekit inject [-f FILE|-]... [--check TARGET]... [options]

Reads Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods (or a List of them, as
kubectl get -o yaml prints) and writes them back with probekit as a native sidecar: each app container's
startup, liveness and readiness probes become checks in a ConfigMap written after the workload, and the
probes ask probekit. Other documents, comments and key order are kept; running inject on its own output
changes nothing. A summary goes to stderr. Docs: docs/manifests.md

Options:
  -f, --filename FILE      a manifest file, repeatable; - or none reads stdin
      --check TARGET       a readiness dependency added to every workload, repeatable: tcp://host:port,
                           http(s)://host[:port][/path], grpc://host:port[/service], exec:command args
      --image IMAGE        the sidecar's image (default: ${SIDECAR_DEFAULTS.image})
      --port N             the sidecar's port (default: ${SIDECAR_DEFAULTS.port})
      --cpu Q              the sidecar's CPU request; no CPU limit (default: ${SIDECAR_DEFAULTS.cpu})
      --memory Q           the sidecar's memory request and limit (default: ${SIDECAR_DEFAULTS.memory})
      --config-only        print only the generated ConfigMaps
  -h, --help               this help

Example:
  kubectl get deploy web -o yaml | probekit inject | kubectl apply -f -`,
  options: {
    filename: { type: 'string', short: 'f', multiple: true },
    check: { type: 'string', multiple: true },
    image: { type: 'string' },
    port: { type: 'string' },
    cpu: { type: 'string' },
    memory: { type: 'string' },
    'config-only': { type: 'boolean' },
  },
  async run(parsed) {
    const dependencies = listFlag(parsed, 'check').map((target) => {
      try {
        return targetToCheck(target);
      } catch (error) {
        if (error instanceof InvalidCheckError)
          throw new UsageError(`--check ${target}: ${error.problem}`, 'inject');
        throw error;
      }
    });
    const portText = stringFlag(parsed, 'port');
    const port =
      portText === undefined ? SIDECAR_DEFAULTS.port : portFlag(portText, '--port', PORT_FIELD, 'inject');
    const quantity = (flag: 'cpu' | 'memory') => {
      const value = stringFlag(parsed, flag) ?? SIDECAR_DEFAULTS[flag];
      // A Kubernetes resource quantity: a number with an optional suffix (10m, 0.5, 128Mi, 1G).
      if (!/^\d+(\.\d+)?([munkMGTPE]|[KMGTPE]i)?$/.test(value))
        throw new UsageError(
          `--${flag} must be a Kubernetes quantity (like 10m or 128Mi), got ${JSON.stringify(value)}`,
          'inject',
        );
      return value;
    };
    const files = listFlag(parsed, 'filename');
    const inputs = await readInputs(files.length === 0 ? ['-'] : files);
    const result = inject(inputs, {
      image: stringFlag(parsed, 'image') ?? SIDECAR_DEFAULTS.image,
      port,
      cpu: quantity('cpu'),
      memory: quantity('memory'),
      dependencies,
    });
    process.stdout.write(parsed.values['config-only'] === true ? result.configMaps : result.text);
    for (const note of result.notes) process.stderr.write(`probekit inject: ${note}\n`);
    return 0;
  },
};
