// Which container of a pod is probekit's, what it serves (its flags, else its config's server, else the defaults)
// and the config it mounts, found among the linted ConfigMaps.
import { basename } from 'node:path';
import { CONFIG_KEY, SIDECAR_DEFAULTS, SIDECAR_NAME } from '../sidecar.js';
import { type Container, getIn, isObject, type WorkloadRef } from '../workloads.js';
import type { LintConfig, Sidecar } from './model.js';

/** The pod's probekit container: named probekit, or running a probekit image; and the config it mounts. */
export function sidecarOf(workload: WorkloadRef, configs: readonly LintConfig[]): Sidecar | undefined {
  const spec = workload.spec;
  for (const list of ['initContainers', 'containers'] as const) {
    const index = (spec[list] ?? []).findIndex(
      (container) => container.name === SIDECAR_NAME || /(^|\/)probekit(:|@|$)/.test(container.image ?? ''),
    );
    if (index < 0) continue;
    const container = spec[list]![index]!;
    const args = [...(container.command ?? []), ...(container.args ?? [])];
    const flag = (names: readonly string[]) => {
      for (let at = 0; at < args.length; at++) {
        const arg = args[at]!;
        for (const name of names) {
          if (arg === name) return args[at + 1];
          if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
        }
      }
      return undefined;
    };
    const config = mountedConfig(workload, container, flag(['--config', '-c']), configs);
    const server = isObject(config?.data['server']) ? config.data['server'] : {};
    const portFlag = flag(['--port']);
    const port =
      portFlag !== undefined
        ? Number(portFlag)
        : typeof server['port'] === 'number'
          ? server['port']
          : SIDECAR_DEFAULTS.port;
    const host = flag(['--host']) ?? (typeof server['host'] === 'string' ? server['host'] : undefined);
    return { container, list, index, config, port, host };
  }
  return undefined;
}

// The ConfigMap behind the directory the config file lies in, looked up among the linted configs.
function mountedConfig(
  workload: WorkloadRef,
  container: Container,
  file: string | undefined,
  configs: readonly LintConfig[],
): LintConfig | undefined {
  const path = file ?? `/etc/probekit/${CONFIG_KEY}`;
  const mount = (container.volumeMounts ?? []).find(
    (candidate) => candidate.mountPath && path.startsWith(`${candidate.mountPath.replace(/\/$/, '')}/`),
  );
  const volume = (workload.spec.volumes ?? []).find((candidate) => candidate['name'] === mount?.name);
  const name = getIn(volume, ['configMap', 'name']);
  if (typeof name !== 'string' || basename(path) !== CONFIG_KEY) return undefined;
  return configs.find(
    (config) =>
      config.configMap?.name === name &&
      (config.configMap.namespace ?? 'default') === (workload.namespace ?? 'default'),
  );
}
