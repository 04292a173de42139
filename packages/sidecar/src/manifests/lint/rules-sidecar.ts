// Rules about a pod wired to probekit: its grace period, its address, and the probes that ask it.
import { KUBELET_FAILURE_THRESHOLD, KUBELET_PERIOD_SECONDS, probeTiming } from '../sidecar.js';
import { KIND_OF, resolvePort } from '../translate.js';
import { getIn, isObject } from '../workloads.js';
import type { Found, Rule } from './findings.js';
import type { LintPod } from './model.js';
import { asksProbekit, at, isLoopback, probesOf } from './probes.js';

/** The kubelet's added wait, in seconds, above which a probe of probekit reacts late. */
export const STACKED_LIMIT_SECONDS = 5;

export const gracePeriodShort: Rule = {
  id: 'grace-period-short',
  severity: 'error',
  summary:
    "terminationGracePeriodSeconds is shorter than the app's drain plus probekit's shutdownDelaySeconds",
  check(model) {
    const found: Found[] = [];
    for (const pod of model.pods) {
      if (!pod.sidecar) continue;
      const server = pod.sidecar.config?.data['server'];
      const delay =
        isObject(server) && typeof server['shutdownDelaySeconds'] === 'number'
          ? server['shutdownDelaySeconds']
          : 5;
      const drain = Math.max(0, ...pod.workload.spec.containers.map(preStopSeconds));
      const grace = pod.workload.spec.terminationGracePeriodSeconds ?? 30;
      if (grace < delay + drain) {
        const keys = [...pod.workload.specPath, 'terminationGracePeriodSeconds'];
        found.push(
          at(
            pod,
            keys,
            `terminationGracePeriodSeconds ${grace} is shorter than the app's drain ${drain} s (preStop) + probekit's shutdownDelaySeconds ${delay} = ${drain + delay} s`,
          ),
        );
      }
    }
    return found;
  },
};

// The app's drain as its preStop hook says it: `sleep: { seconds }`, or a `sleep N` in an exec hook.
function preStopSeconds(container: LintPod['workload']['spec']['containers'][number]): number {
  const hook = container.lifecycle?.preStop;
  const seconds = getIn(hook, ['sleep', 'seconds']);
  if (typeof seconds === 'number') return seconds;
  const command = getIn(hook, ['exec', 'command']);
  const match = Array.isArray(command) ? /\bsleep\s+(\d+(?:\.\d+)?)/.exec(command.join(' ')) : null;
  return match ? Number(match[1]) : 0;
}

export const probekitLoopback: Rule = {
  id: 'probekit-loopback',
  severity: 'error',
  summary: 'probekit listens on loopback only: the kubelet probes the pod IP',
  check(model) {
    const found: Found[] = [];
    for (const pod of model.pods) {
      const sidecar = pod.sidecar;
      if (!sidecar || !isLoopback(sidecar.host)) continue;
      const fromConfig = sidecar.config && getIn(sidecar.config.data, ['server', 'host']) === sidecar.host;
      const message = `probekit listens on ${sidecar.host}; the kubelet's probes come to the pod IP and fail: use 0.0.0.0 (or ::)`;
      if (fromConfig && sidecar.config) found.push(at(sidecar.config, ['server', 'host'], message));
      else found.push(at(pod, [...pod.workload.specPath, sidecar.list, sidecar.index, 'args'], message));
    }
    for (const config of model.configs) {
      const host = getIn(config.data, ['server', 'host']);
      const used = model.pods.some((pod) => pod.sidecar?.config === config);
      if (!used && typeof host === 'string' && isLoopback(host))
        found.push(
          at(
            config,
            ['server', 'host'],
            `server.host ${host} is loopback only: in a pod the kubelet probes the pod IP`,
          ),
        );
    }
    return found;
  },
};

export const probePortNotProbekit: Rule = {
  id: 'probe-port-not-probekit',
  severity: 'error',
  summary: "an app probe asks probekit's paths on a port probekit does not serve",
  check(model) {
    const found: Found[] = [];
    for (const pod of model.pods) {
      for (const probe of probesOf(pod).filter(asksProbekit)) {
        const port = resolvePort(probe.probe.httpGet?.port, probe.container);
        const serves = pod.sidecar!.port;
        if (port !== serves)
          found.push(
            at(
              pod,
              probe.keys,
              `asks ${probe.probe.httpGet?.path} on ${typeof port === 'number' ? `port ${port}` : JSON.stringify(probe.probe.httpGet?.port)}, but probekit serves port ${serves}`,
            ),
          );
      }
    }
    return found;
  },
};

export const stackedThresholds: Rule = {
  id: 'stacked-thresholds',
  severity: 'warning',
  summary: "the kubelet's thresholds on a probe of probekit add to probekit's own: slow reaction",
  check(model) {
    const found: Found[] = [];
    for (const pod of model.pods) {
      for (const probe of probesOf(pod).filter(asksProbekit)) {
        const kind = KIND_OF[probe.field];
        // A startup probe is exempt: its failureThreshold × periodSeconds is the start-up deadline, the kubelet's to keep.
        if (kind === 'startup') continue;
        const { failureThreshold, successThreshold, periodSeconds } = probeTiming(probe.probe);
        const down = failureThreshold * periodSeconds;
        const up = successThreshold * periodSeconds;
        if (down > STACKED_LIMIT_SECONDS)
          found.push(
            at(
              pod,
              probe.keys,
              `the kubelet waits failureThreshold ${failureThreshold} × periodSeconds ${periodSeconds} = ${down} s after probekit already failed; use failureThreshold ${KUBELET_FAILURE_THRESHOLD[kind]} and periodSeconds ${KUBELET_PERIOD_SECONDS}`,
            ),
          );
        else if (kind === 'readiness' && up > STACKED_LIMIT_SECONDS)
          found.push(
            at(
              pod,
              probe.keys,
              `the kubelet waits successThreshold ${successThreshold} × periodSeconds ${periodSeconds} = ${up} s after probekit already passed; use successThreshold 1`,
            ),
          );
      }
    }
    return found;
  },
};

export const nativeSidecarVersion: Rule = {
  id: 'native-sidecar-version',
  severity: 'info',
  summary: 'native sidecars (init containers with restartPolicy: Always) need Kubernetes 1.29 or newer',
  check(model) {
    return model.pods.flatMap((pod) =>
      (pod.workload.spec.initContainers ?? []).flatMap((container, index) =>
        container.restartPolicy === 'Always'
          ? [
              at(
                pod,
                [...pod.workload.specPath, 'initContainers', index, 'restartPolicy'],
                `${container.name} is a native sidecar: Kubernetes 1.29+ (on by default), 1.28 with the SidecarContainers feature gate`,
              ),
            ]
          : [],
      ),
    );
  },
};
