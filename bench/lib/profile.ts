// Summarises a V8 .cpuprofile (node --cpu-prof): where the time went, by function and by package.
import { readFileSync } from 'node:fs';
import { table } from './report.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Markdown: the top functions by self time, the top probekit functions by total time, and time per package. */
  readonly markdown: string;
}

/** Which package a script belongs to: `fastify`, `@probekit/core`, `node:internal`, or a V8 pseudo-frame. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const probekit = url.match(/\/packages\/(core|sdk|sidecar)\//);
  if (probekit) return `@probekit/${probekit[1]}`;
  const modules = url.split('/node_modules/');
  if (modules.length > 1) {
    const last = modules[modules.length - 1] ?? '';
    const [scope, name] = last.split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url);
  }
  if (url.includes('/bench/')) return 'bench fixture';
  return url;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    ? url
        .replace(/^.*\/node_modules\//, '')
        .replace(/^.*\/packages\//, '')
        .replace(/^file:\/\//, '')
    : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

/** Reads and summarises a profile; `top` rows per table. */
export function summarise(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idleUs = [...selfUs]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((a, [, us]) => a + us, 0);
  const busyUs = totalUs - idleUs;
  const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1)}%`;

  const selfByFrame = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    selfByFrame.set(frameName(node), (selfByFrame.get(frameName(node)) ?? 0) + us);
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }

  // Total (inclusive) time of probekit's own functions: self plus everything they called, counted once per stack.
  const inclusive = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id);
    if (!node) return 0;
    let us = selfUs.get(id) ?? 0;
    const name = frameName(node);
    const mine =
      packageOf(node.callFrame.url, node.callFrame.functionName).startsWith('@probekit/') &&
      !onStack.has(name);
    if (mine) onStack.add(name);
    for (const child of node.children ?? []) us += walk(child, onStack);
    if (mine) {
      onStack.delete(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
    return us;
  };
  const root = profile.nodes[0];
  if (root) walk(root.id, new Set());

  const rows = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => [name.replace(/\|/g, '/'), (us / 1000).toFixed(1), pct(us)]);
  const markdown = [
    `Busy ${(busyUs / 1000).toFixed(0)} ms of ${(totalUs / 1000).toFixed(0)} ms sampled; percentages are of busy time.`,
    '',
    '**By package (self time)**',
    '',
    table(['package', 'ms', '%'], rows(byPackage, 15)),
    '',
    '**Top functions (self time)**',
    '',
    table(['function', 'ms', '%'], rows(selfByFrame, top)),
    '',
    '**probekit functions (total time, callees included)**',
    '',
    table(['function', 'ms', '%'], rows(inclusive, 15)),
  ].join('\n');
  return { totalMs: busyUs / 1000, markdown };
}
