// The probekit config inject writes into a workload's ConfigMap: the server's port and the moved checks.
import { Document } from 'yaml';
import { type CheckEntry, POD_IP } from './translate.js';

/** The config file's text, with a header saying where it came from. */
export function configText(source: string, port: number, checks: readonly CheckEntry[]): string {
  const doc = new Document({ server: { port }, checks });
  doc.commentBefore = ` Written by \`probekit inject\` for ${source}: each check is a probe moved from a container
 (named <container>-<kind>), or a --check dependency. probekit reloads this file when it changes;
 ${POD_IP} is the pod's IP, as the kubelet probed it. Reference: docs/sidecar.md, docs/manifests.md`;
  return doc.toString({ lineWidth: 0 });
}
