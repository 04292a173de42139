// What inject adds to a pod: the probekit native sidecar, its config volume and ConfigMap, and the app's probes
// pointed at it. The values and the reasons for them are in docs/manifests.md ("What inject writes").
import { type ProbeKind, VERSION } from '@probekit/core';
import type { Probe } from './workloads.js';

/** The settings inject takes from its flags. */
export interface SidecarOptions {
  /** @default `ghcr.io/probekit/probekit:<version>` */
  readonly image: string;
  /** @default 8099 */
  readonly port: number;
  /** CPU request; no CPU limit, so that a throttled sidecar never answers the kubelet late. @default '10m' */
  readonly cpu: string;
  /** Memory request and limit. @default '128Mi' */
  readonly memory: string;
}

export const SIDECAR_DEFAULTS: SidecarOptions = Object.freeze({
  image: `ghcr.io/probekit/probekit:${VERSION}`,
  port: 8099,
  cpu: '10m',
  memory: '128Mi', // ~77 MiB RSS measured idle with 10 checks, plus room for exec checks' processes
});

/** The sidecar's container name: inject leaves a pod that already has a container of this name alone. */
export const SIDECAR_NAME = 'probekit';
/** The pod volume holding the config. */
export const CONFIG_VOLUME = 'probekit-config';
/** The config's key in the ConfigMap, and so its file name in the mounted directory. */
export const CONFIG_KEY = 'probekit.yaml';
const CONFIG_DIR = '/etc/probekit';

/** How often the kubelet asks the sidecar: its answers are read from memory, so asking often costs little. */
export const KUBELET_PERIOD_SECONDS = 2;

/**
 * The kubelet's failureThreshold on a probe of the sidecar, which has already applied the check's own: the
 * first failing answer counts, but for liveness the second (one lost answer must not restart the app).
 * Inject writes these, and lint's stacked-thresholds advises them.
 */
export const KUBELET_FAILURE_THRESHOLD: Readonly<Record<'readiness' | 'liveness', number>> = {
  readiness: 1,
  liveness: 2,
};

/** The native sidecar container. */
export function sidecarContainer(options: SidecarOptions): Record<string, unknown> {
  return {
    name: SIDECAR_NAME,
    image: options.image,
    // A native sidecar (Kubernetes 1.29+): started before the app containers, stopped after them.
    restartPolicy: 'Always',
    args: ['serve', '--config', `${CONFIG_DIR}/${CONFIG_KEY}`],
    ports: [{ name: SIDECAR_NAME, containerPort: options.port }],
    // Checks moved from the app's probes target the pod IP, as the kubelet did.
    env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
    // The app containers start once probekit listens.
    startupProbe: { tcpSocket: { port: options.port }, periodSeconds: 1, failureThreshold: 30 },
    // probekit's own liveness: /metrics needs its event loop, not any check.
    livenessProbe: {
      httpGet: { path: '/metrics', port: options.port },
      periodSeconds: 10,
      timeoutSeconds: 2,
    },
    resources: {
      requests: { cpu: options.cpu, memory: options.memory },
      limits: { memory: options.memory },
    },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    // A directory, not a subPath: the kubelet updates a directory mount in place, and probekit reloads.
    volumeMounts: [{ name: CONFIG_VOLUME, mountPath: CONFIG_DIR, readOnly: true }],
  };
}

/** The pod volume for the ConfigMap. */
export function configVolume(configMap: string): Record<string, unknown> {
  return { name: CONFIG_VOLUME, configMap: { name: configMap } };
}

/** The ConfigMap holding the generated config, in the workload's namespace. */
export function configMapFor(
  workload: { name: string; namespace: string | undefined },
  name: string,
  configText: string,
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      ...(workload.namespace !== undefined && { namespace: workload.namespace }),
      labels: { 'app.kubernetes.io/component': 'probekit', 'app.kubernetes.io/part-of': workload.name },
    },
    data: { [CONFIG_KEY]: configText },
  };
}

const PATHS: Readonly<Record<ProbeKind, string>> = {
  startup: '/startupz',
  liveness: '/livez',
  readiness: '/readyz',
};

/**
 * The app container's probe, pointed at the sidecar, with KUBELET_FAILURE_THRESHOLD. `exclude` leaves out the checks of the pod's other containers. `original` supplies the timing the
 * kubelet must still own: the startup deadline, and liveness's wait after each container start.
 */
export function kubeletProbe(
  kind: ProbeKind,
  port: number,
  exclude: readonly string[],
  timing: { startupBudgetSeconds?: number; livenessDelaySeconds?: number },
  original: Probe | undefined,
): Record<string, unknown> {
  const path = exclude.length > 0 ? `${PATHS[kind]}?exclude=${exclude.join(',')}` : PATHS[kind];
  const probe: Record<string, unknown> = { httpGet: { path, port } };
  if (kind === 'liveness' && timing.livenessDelaySeconds)
    probe['initialDelaySeconds'] = timing.livenessDelaySeconds;
  probe['periodSeconds'] = KUBELET_PERIOD_SECONDS;
  probe['timeoutSeconds'] = 1;
  probe['successThreshold'] = 1;
  probe['failureThreshold'] =
    kind === 'startup'
      ? Math.max(1, Math.ceil((timing.startupBudgetSeconds ?? 0) / KUBELET_PERIOD_SECONDS))
      : KUBELET_FAILURE_THRESHOLD[kind];
  // Probe-level grace (KEP-2238) belongs to liveness and startup; the kubelet refuses it on readiness.
  if (kind !== 'readiness' && original?.terminationGracePeriodSeconds !== undefined)
    probe['terminationGracePeriodSeconds'] = original.terminationGracePeriodSeconds;
  return probe;
}

/** Kubelet defaults for the fields a probe leaves out (pkg/apis/core/v1/defaults.go). */
export function probeTiming(
  probe: Probe,
): Required<
  Pick<
    Probe,
    'initialDelaySeconds' | 'periodSeconds' | 'timeoutSeconds' | 'successThreshold' | 'failureThreshold'
  >
> {
  return {
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: probe.periodSeconds ?? 10,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
    successThreshold: probe.successThreshold ?? 1,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}

/** How long the kubelet let a container come up: the startup probe's deadline, or liveness's delay and threshold. */
export function bootSeconds(probe: Probe): number {
  const timing = probeTiming(probe);
  return timing.initialDelaySeconds + timing.failureThreshold * timing.periodSeconds + timing.timeoutSeconds;
}
