// What several rules ask of a probe or a check: where it is, whom it asks, whether it asks probekit.
import { formatKeys, isObject, type Keys, PROBE_FIELDS, type Probe, type ProbeField } from '../workloads.js';
import type { Found } from './findings.js';
import type { LintConfig, LintPod, Placed } from './model.js';

/** One probe of a pod, with its place. */
export interface ProbeAt {
  readonly pod: LintPod;
  readonly container: LintPod['workload']['spec']['containers'][number];
  readonly field: ProbeField;
  readonly probe: Probe;
  /** Path from the object to the probe. */
  readonly keys: Keys;
}

/** Every probe the kubelet runs in a pod: app containers', and native sidecars' (init containers that keep running). */
export function probesOf(pod: LintPod): ProbeAt[] {
  const { spec, specPath } = pod.workload;
  const lists = [
    ['containers', spec.containers],
    ['initContainers', spec.initContainers ?? []],
  ] as const;
  return lists.flatMap(([list, containers]) =>
    containers.flatMap((container, index) =>
      list === 'initContainers' && container.restartPolicy !== 'Always'
        ? []
        : PROBE_FIELDS.flatMap((field) => {
            const probe = container[field];
            return isObject(probe)
              ? [{ pod, container, field, probe, keys: [...specPath, list, index, field] }]
              : [];
          }),
    ),
  );
}

/** A finding at `keys` of `placed` (a config's keys are shown under its prefix). */
export function at(placed: Placed | LintConfig, keys: Keys, message: string): Found {
  const prefix = 'prefix' in placed ? placed.prefix : '';
  return {
    file: placed.file,
    line: placed.lineOf(keys),
    object: placed.object,
    path: `${prefix}${formatKeys(keys)}` || '(document)',
    message,
  };
}

const LOCAL = /^(localhost|127(\.\d{1,3}){3}|::1|0\.0\.0\.0|::|\$\{POD_IP\}|\$\(POD_IP\))$/;

/** Whether a host is the pod itself: none, loopback, or the pod IP by variable. */
export function isLocalHost(host: unknown): boolean {
  return host === undefined || host === null || host === '' || (typeof host === 'string' && LOCAL.test(host));
}

/** Whether an address is loopback only. */
export function isLoopback(host: string | undefined): boolean {
  return host !== undefined && /^(localhost|127(\.\d{1,3}){3}|::1)$/.test(host);
}

const URL_IN_COMMAND = /\b[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[^\]]+\]|[^/:?#\s'"]+)/gi;

/** The first host outside the pod a probe or a check asks: its `host`, or a URL in an exec command. */
export function outsideHost(handler: Record<string, unknown>, defaultHost?: string): string | undefined {
  for (const kind of ['httpGet', 'tcpSocket', 'grpc'] as const) {
    const action = handler[kind];
    if (!isObject(action)) continue;
    const host = action['host'] ?? defaultHost;
    if (!isLocalHost(host))
      return `${String(host)}${action['port'] === undefined ? '' : `:${String(action['port'])}`}`;
  }
  const command = isObject(handler['exec']) ? handler['exec']['command'] : undefined;
  if (Array.isArray(command)) {
    for (const match of command.join(' ').matchAll(URL_IN_COMMAND)) {
      const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
      if (!isLocalHost(host)) return host;
    }
  }
  return undefined;
}

const PROBEKIT_PATH = /^\/(livez|readyz|startupz|healthz)(\/|\?|$)/;

/** Whether a probe asks the pod's probekit sidecar (one of its probe paths, on the pod itself). */
export function asksProbekit(at: ProbeAt): boolean {
  const http = at.probe.httpGet;
  return (
    at.pod.sidecar !== undefined &&
    at.container !== at.pod.sidecar.container &&
    http !== undefined &&
    isLocalHost(http.host) &&
    PROBEKIT_PATH.test(http.path ?? '/')
  );
}

/** The checks of a config that are mappings, with their index. */
export function checksOf(config: LintConfig): { check: Record<string, unknown>; index: number }[] {
  const checks = config.data['checks'];
  return Array.isArray(checks)
    ? checks.flatMap((check, index) => (isObject(check) ? [{ check, index }] : []))
    : [];
}

/** The probe kinds a config check gates (default readiness). */
export function kindsOf(check: Record<string, unknown>): string[] {
  return Array.isArray(check['probes']) ? check['probes'].map(String) : ['readiness'];
}

/** `probekit serve`'s defaults for a check's timing, after the config's own `defaults`. */
export function checkTiming(config: LintConfig, check: Record<string, unknown>) {
  const defaults = isObject(config.data['defaults']) ? config.data['defaults'] : {};
  const number = (key: string, fallback: number) => {
    const value = check[key] ?? defaults[key];
    return typeof value === 'number' ? value : fallback;
  };
  return {
    initialDelaySeconds: number('initialDelaySeconds', 0),
    periodSeconds: number('periodSeconds', 10),
    timeoutSeconds: number('timeoutSeconds', 1),
    successThreshold: number('successThreshold', 1),
    failureThreshold: number('failureThreshold', 3),
  };
}
