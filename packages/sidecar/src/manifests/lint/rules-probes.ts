// Rules about probes themselves, in pods and in probekit configs alike.
import { isDeepStrictEqual } from 'node:util';
import { probeTiming } from '../sidecar.js';
import { resolvePort } from '../translate.js';
import { isObject } from '../workloads.js';
import type { Found, Rule } from './findings.js';
import {
  asksProbekit,
  at,
  checksOf,
  checkTiming,
  isLocalHost,
  kindsOf,
  outsideHost,
  probesOf,
} from './probes.js';

const HANDLERS = ['httpGet', 'tcpSocket', 'grpc', 'exec'] as const;

export const livenessExternal: Rule = {
  id: 'liveness-external',
  severity: 'error',
  summary:
    'a liveness or startup probe depends on something outside the pod: a restart cannot fix a dependency',
  check(model) {
    const found: Found[] = [];
    for (const pod of model.pods) {
      for (const probe of probesOf(pod)) {
        if (probe.field === 'readinessProbe') continue;
        const host = outsideHost(probe.probe as Record<string, unknown>);
        if (host)
          found.push(
            at(pod, probe.keys, `${probe.field} asks ${host}, outside the pod: a restart cannot fix it`),
          );
      }
    }
    for (const config of model.configs) {
      for (const { check, index } of checksOf(config)) {
        const kinds = kindsOf(check).filter((kind) => kind === 'liveness' || kind === 'startup');
        if (kinds.length === 0) continue;
        const host = outsideHost(check, '127.0.0.1');
        const name = JSON.stringify(check['name']);
        if (check['scope'] === 'shared')
          found.push(
            at(config, ['checks', index], `check ${name} is scope: shared and gates ${kinds.join(' and ')}`),
          );
        else if (host)
          found.push(
            at(
              config,
              ['checks', index],
              `check ${name} gates ${kinds.join(' and ')} and asks ${host}, outside the pod`,
            ),
          );
      }
    }
    return found;
  },
};

export const livenessEqualsReadiness: Rule = {
  id: 'liveness-equals-readiness',
  severity: 'warning',
  summary:
    'liveness and readiness are the same endpoint with the same thresholds: liveness should tolerate more',
  check(model) {
    const found: Found[] = [];
    for (const pod of model.pods) {
      const probes = probesOf(pod);
      for (const liveness of probes.filter((probe) => probe.field === 'livenessProbe')) {
        const readiness = probes.find(
          (probe) => probe.field === 'readinessProbe' && probe.container === liveness.container,
        );
        if (!readiness || asksProbekit(liveness)) continue;
        const handler = (probe: typeof liveness) =>
          HANDLERS.map((kind) => (probe.probe as Record<string, unknown>)[kind]);
        if (
          isDeepStrictEqual(handler(liveness), handler(readiness)) &&
          isDeepStrictEqual(probeTiming(liveness.probe), probeTiming(readiness.probe))
        ) {
          const { failureThreshold } = probeTiming(liveness.probe);
          found.push(
            at(
              pod,
              liveness.keys,
              `same endpoint and thresholds as readinessProbe: give liveness a higher failureThreshold than ${failureThreshold}`,
            ),
          );
        }
      }
    }
    for (const config of model.configs) {
      for (const { check, index } of checksOf(config)) {
        const kinds = kindsOf(check);
        if (kinds.includes('liveness') && kinds.includes('readiness'))
          found.push(
            at(
              config,
              ['checks', index, 'probes'],
              `check ${JSON.stringify(check['name'])} gates liveness and readiness with one threshold: split it, with a higher failureThreshold for liveness`,
            ),
          );
      }
    }
    return found;
  },
};

export const timeoutNotBelowPeriod: Rule = {
  id: 'timeout-not-below-period',
  severity: 'error',
  summary: 'timeoutSeconds is not shorter than periodSeconds',
  check(model) {
    const found: Found[] = [];
    const message = (timeout: number, period: number) =>
      `timeoutSeconds ${timeout} is not shorter than periodSeconds ${period}: a slow run overlaps the next`;
    for (const pod of model.pods) {
      for (const probe of probesOf(pod)) {
        const { timeoutSeconds, periodSeconds } = probeTiming(probe.probe);
        // Both at 1 s, the kubelet's minimum (whole seconds), is as short as a timeout can be.
        if (timeoutSeconds >= periodSeconds && periodSeconds > 1)
          found.push(at(pod, probe.keys, message(timeoutSeconds, periodSeconds)));
      }
    }
    for (const config of model.configs) {
      for (const { check, index } of checksOf(config)) {
        const { timeoutSeconds, periodSeconds } = checkTiming(config, check);
        if (timeoutSeconds >= periodSeconds)
          found.push(
            at(
              config,
              ['checks', index],
              `check ${JSON.stringify(check['name'])}: ${message(timeoutSeconds, periodSeconds)}`,
            ),
          );
      }
    }
    return found;
  },
};

export const undeclaredPort: Rule = {
  id: 'undeclared-port',
  severity: 'error',
  summary: 'a probe asks a port that no container of the pod declares',
  check(model) {
    const found: Found[] = [];
    for (const pod of model.pods) {
      const { spec } = pod.workload;
      const declared = new Set(
        [...spec.containers, ...(spec.initContainers ?? [])].flatMap((container) =>
          (container.ports ?? []).map((port) => port.containerPort),
        ),
      );
      for (const probe of probesOf(pod)) {
        const action = probe.probe.httpGet ?? probe.probe.tcpSocket ?? probe.probe.grpc;
        if (!action || !isLocalHost((action as { host?: string }).host)) continue;
        const port = action.port;
        const number =
          typeof port === 'number'
            ? port
            : typeof port === 'string' && /^\d+$/.test(port)
              ? Number(port)
              : undefined;
        if (number !== undefined && !declared.has(number))
          found.push(
            at(
              pod,
              probe.keys,
              `port ${number} is declared by no container of the pod (ports[].containerPort)`,
            ),
          );
      }
    }
    return found;
  },
};

export const unknownNamedPort: Rule = {
  id: 'unknown-named-port',
  severity: 'error',
  summary: "a probe's named port is not a port name of its own container",
  check(model) {
    const found: Found[] = [];
    for (const pod of model.pods) {
      for (const probe of probesOf(pod)) {
        const action = probe.probe.httpGet ?? probe.probe.tcpSocket;
        if (!isObject(action) || typeof action['port'] !== 'string' || /^\d+$/.test(action['port'])) continue;
        const resolved = resolvePort(action['port'], probe.container);
        if (typeof resolved === 'string') found.push(at(pod, probe.keys, resolved));
      }
    }
    return found;
  },
};
