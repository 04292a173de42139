// Sidecar configs as users write them: YAML in block style with comments, read by the sidecar's YAML parser
// (a JSON file named .yaml would skip the parser every real user loads).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type CheckKind = 'tcp' | 'http' | 'exec';

export interface SidecarConfigOptions {
  /** How many checks of each kind, in this order. */
  readonly checks: Readonly<Partial<Record<CheckKind, number>>>;
  readonly targetPort: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  /** server.port; the sidecar's `--port` flag may override it. */
  readonly port?: number;
}

/** The mix of the reference config: of every 10 checks, 4 tcpSocket, 3 httpGet and 3 exec. */
export function mixedChecks(n: number): Record<CheckKind, number> {
  const tcp = Math.round(n * 0.4);
  const http = Math.round(n * 0.3);
  return { tcp, http, exec: n - tcp - http };
}

/** The YAML text of a sidecar config. */
export function sidecarYaml(options: SidecarConfigOptions): string {
  const lines = [
    '# yaml-language-server: $schema=../packages/sidecar/schema/probekit.schema.json',
    '# Written by the benchmark the way the README shows a config: block style, one check per item.',
    'server:',
    `  port: ${options.port ?? 8099}`,
    '  host: 127.0.0.1',
    'defaults:',
    `  periodSeconds: ${options.periodSeconds}`,
    `  timeoutSeconds: ${options.timeoutSeconds ?? 1}`,
    `  failureThreshold: ${options.failureThreshold ?? 3}`,
    'checks:',
  ];
  const count = (kind: CheckKind) => options.checks[kind] ?? 0;
  for (let i = 0; i < count('tcp'); i++) {
    lines.push(
      `  - name: database-${i}`,
      '    tcpSocket:',
      '      host: 127.0.0.1',
      `      port: ${options.targetPort}`,
    );
  }
  for (let i = 0; i < count('http'); i++) {
    lines.push(
      `  - name: api-${i}`,
      '    httpGet:',
      '      host: 127.0.0.1',
      `      port: ${options.targetPort}`,
      '      path: /healthz',
    );
  }
  for (let i = 0; i < count('exec'); i++) {
    // A command that passes at once, as `test -f /var/ready` does once the file exists.
    lines.push(`  - name: ready-file-${i}`, '    exec:', '      command: [test, -d, /]');
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `name.yaml` into `dir` and returns its path. */
export function writeSidecarConfig(dir: string, name: string, options: SidecarConfigOptions): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, sidecarYaml(options));
  return path;
}
