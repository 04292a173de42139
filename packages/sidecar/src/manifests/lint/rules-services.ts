// Rules that join pods and configs to Services: traffic without readiness, and the fleet's peer Service.
import { getIn, isObject } from '../workloads.js';
import type { Found, Rule } from './findings.js';
import type { LintPod, LintService } from './model.js';
import { at } from './probes.js';

/** A `${VAR}` in a config value, filled from the sidecar's environment when probekit loads it. */
const ENV_REFERENCE = /\$\{/;

export const fleetHeadlessService: Rule = {
  id: 'fleet-headless-service',
  severity: 'error',
  summary: 'a fleet config has no headless Service with publishNotReadyAddresses: true for its peers',
  check(model) {
    const found: Found[] = [];
    for (const config of model.configs) {
      const dns = getIn(config.data, ['fleet', 'peers', 'dns']);
      if (typeof dns !== 'string') continue;
      // <service>.<namespace>.svc… (or just <service>). The config's own namespace (its ConfigMap's, which is its
      // workload's) stands for a namespace the DNS name leaves out or takes from the environment, as in
      // ${POD_NAMESPACE}, and for a Service's that has none. Unknown (no namespace written anywhere, as with
      // `kubectl apply -n`) matches any.
      const home = config.configMap?.namespace;
      const [name, label] = dns.split('.');
      const wanted = label === undefined || ENV_REFERENCE.test(label) ? home : label;
      const service = model.services.find((candidate) => {
        const namespace = candidate.service.namespace ?? home;
        return (
          candidate.service.name === name &&
          (wanted === undefined || namespace === undefined || namespace === wanted)
        );
      });
      const spec = service && isObject(service.service.data['spec']) ? service.service.data['spec'] : {};
      const problem = !service
        ? `no Service ${name} among the linted manifests`
        : spec['clusterIP'] !== 'None'
          ? `Service ${name} is not headless (clusterIP: None)`
          : spec['publishNotReadyAddresses'] !== true
            ? `Service ${name} lacks publishNotReadyAddresses: true`
            : undefined;
      if (problem)
        found.push(
          at(
            config,
            ['fleet', 'peers', 'dns'],
            `${problem}: without it, not-ready members vanish from DNS and the outage count is wrong`,
          ),
        );
    }
    return found;
  },
};

export const serviceWithoutReadiness: Rule = {
  id: 'service-without-readiness',
  severity: 'warning',
  summary: 'a container behind a Service has no readiness probe',
  check(model) {
    const found: Found[] = [];
    for (const pod of model.pods) {
      const services = model.services.filter((service) => selects(service, pod));
      if (services.length === 0) continue;
      const containers = pod.workload.spec.containers;
      const targets = services.flatMap(targetPorts);
      const serving = containers.filter((container) =>
        (container.ports ?? []).some(
          (port) => targets.includes(port.containerPort ?? -1) || targets.includes(port.name ?? ''),
        ),
      );
      for (const container of serving.length > 0 ? serving : containers) {
        if (container.readinessProbe) continue;
        const index = containers.indexOf(container);
        found.push(
          at(
            pod,
            [...pod.workload.specPath, 'containers', index],
            `container ${container.name} is behind Service ${services.map((service) => service.service.name).join(', ')} but has no readinessProbe: it gets traffic as soon as it starts`,
          ),
        );
      }
    }
    return found;
  },
};

function selects(service: LintService, pod: LintPod): boolean {
  const selector = getIn(service.service.data, ['spec', 'selector']);
  if (!isObject(selector) || Object.keys(selector).length === 0) return false;
  if ((service.service.namespace ?? 'default') !== (pod.workload.namespace ?? 'default')) return false;
  return Object.entries(selector).every(([key, value]) => pod.workload.podLabels[key] === String(value));
}

function targetPorts(service: LintService): (number | string)[] {
  const ports = getIn(service.service.data, ['spec', 'ports']);
  if (!Array.isArray(ports)) return [];
  return ports.flatMap((port) =>
    isObject(port) ? [(port['targetPort'] ?? port['port']) as number | string] : [],
  );
}
