// `probekit doctor`: the Service troubleshooting checklist, run from inside the pod; exit 0 when nothing is wrong, 1 when something is.
import { existsSync } from 'node:fs';
import { PORT_FIELD } from '@probekit/core/internal';
import { type LoadOptions, loadConfig, type SidecarConfig } from '../config/load.js';
import { endpointOf, reachableOnPod } from '../doctor/addresses.js';
import { failingFindings } from '../doctor/failing.js';
import { type Finding, formatFinding } from '../doctor/findings.js';
import { kubectlSteps } from '../doctor/kubectl.js';
import { listeningFindings, type TargetCheck } from '../doctor/listening.js';
import { nameFindings } from '../doctor/names.js';
import { type PodAddresses, podAddresses } from '../doctor/pod-address.js';
import { type Listener, PROC_NET_FILES, readListeners } from '../doctor/proc-net.js';
import { selfFindings } from '../doctor/self.js';
import { configChecks, runChecksOnce } from '../once.js';
import { renderTable } from '../table.js';
import { type Command, listFlag, type Parsed, portFlag, stringFlag } from './command.js';
import { CONFIG_HELP, CONFIG_OPTIONS } from './config-flags.js';

/** Where the image's `serve` reads its config: `kubectl exec -c probekit -- probekit doctor` needs no flag. */
export const IMAGE_CONFIG = '/etc/probekit/probekit.yaml';

export const doctor: Command = {
  name: 'doctor',
  help: `Usage: probekit doctor [--config FILE] [--check TARGET]... [--app-port N]...

Runs the Service troubleshooting checklist from inside the pod (kubectl exec -c probekit --
probekit doctor) and prints one line per problem found, 'doctor: <id>: <message>':
  loopback-only    a check target or app port accepts connections on loopback only, but the
                   kubelet and Services connect to the pod address (POD_IP, else the interfaces')
  not-listening    nothing listens on a check's port on this pod, an app port or probekit's own
  self-loopback    probekit itself serves on loopback only, in a cluster (KUBERNETES_SERVICE_HOST)
  unresolved-name  a check's host name does not resolve
  check-failing    a check fails when run once now, with its reason
Who listens where comes from /proc/net/tcp and /proc/net/tcp6. For what cannot be seen from
inside (the Service's selector and targetPort, the endpoints) it prints the kubectl commands to
run, filled in with POD_NAME and POD_NAMESPACE when set. Exits 0 when nothing is wrong, 1 when
something is. Without --config and --check it reads ${IMAGE_CONFIG} if there is one.

Options:
${CONFIG_HELP}
      --app-port N         a port a Service or the kubelet targets that no check names, repeatable
  -h, --help               this help

Example:
  kubectl exec deploy/web -c probekit -- probekit doctor --app-port 8080`,
  options: { ...CONFIG_OPTIONS, 'app-port': { type: 'string', multiple: true } },
  async run(parsed) {
    const appPorts = listFlag(parsed, 'app-port').map((text) =>
      portFlag(text, '--app-port', PORT_FIELD, 'doctor'),
    );
    const config = await doctorConfig(parsed);
    const env = process.env;
    const pod = podAddresses(env);
    const checks = configChecks(config);
    const targets: TargetCheck[] = checks.map(({ check, target }) => ({
      name: check.name,
      target,
      endpoint: endpointOf(check.prober),
    }));
    const [{ listeners, unreadable }, runs, names] = await Promise.all([
      readListeners(),
      runChecksOnce(config, checks),
      nameFindings(targets),
    ]);
    // Without the IPv4 table, "nothing listens" would be a guess: those rules are left out.
    const blind = unreadable.some((line) => line.startsWith(`${PROC_NET_FILES[0]}:`));
    const findings: Finding[] = [
      ...(blind
        ? []
        : [
            ...selfFindings({
              host: config.server.host,
              port: config.server.port,
              listeners,
              pod: pod.addresses,
              inCluster: Boolean(env['KUBERNETES_SERVICE_HOST']),
            }),
            ...listeningFindings({ checks: targets, appPorts, listeners, pod: pod.addresses }),
          ]),
      ...names,
      ...failingFindings(runs),
    ];
    process.stdout.write(report(config, pod, listeners, unreadable, findings));
    return findings.length > 0 ? 1 : 0;
  },
};

async function doctorConfig(parsed: Parsed): Promise<SidecarConfig> {
  const file = stringFlag(parsed, 'config');
  const targets = listFlag(parsed, 'check');
  const options: LoadOptions =
    file === undefined && targets.length === 0 && existsSync(IMAGE_CONFIG)
      ? { file: IMAGE_CONFIG }
      : { file, targets };
  return loadConfig(options);
}

function report(
  config: SidecarConfig,
  pod: PodAddresses,
  listeners: readonly Listener[],
  unreadable: readonly string[],
  findings: readonly Finding[],
): string {
  const count = config.checks.length === 1 ? '1 check' : `${config.checks.length} checks`;
  const source = config.checks.length === 0 && config.text === undefined ? 'no config' : config.source;
  const where =
    pod.addresses.length === 0
      ? 'no pod address found (pass POD_IP from the downward API: fieldRef status.podIP)'
      : `pod address ${pod.addresses.join(', ')} (${pod.source === 'POD_IP' ? 'POD_IP' : "the pod's interfaces"})`;
  const lines = [`probekit doctor: ${source}, ${count}; ${where}`, ''];
  for (const line of unreadable) lines.push(`cannot read ${line}`);
  if (listeners.length > 0) {
    lines.push(`Listening (${PROC_NET_FILES.join(', ')}):`);
    const sorted = [...listeners].sort((a, b) => a.port - b.port || a.address.localeCompare(b.address));
    const rows = sorted.map((listener) => [
      listener.address,
      String(listener.port),
      pod.addresses.length === 0 ? '?' : reachableOnPod([listener], pod.addresses) ? 'yes' : 'no',
    ]);
    lines.push(renderTable(['ADDRESS', 'PORT', 'ON POD ADDRESS'], rows), '');
  }
  lines.push(...findings.map(formatFinding));
  lines.push(
    findings.length === 0
      ? 'Nothing wrong found from inside the pod.'
      : `${findings.length} ${findings.length === 1 ? 'problem' : 'problems'} found.`,
    '',
    'Not visible from inside the pod; run these where kubectl works:',
  );
  for (const step of kubectlSteps()) lines.push(`  # ${step.why}`, `  ${step.command}`);
  return `${lines.join('\n')}\n`;
}
