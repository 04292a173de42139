// The process's own V8 heap: used size against the heap's limit.
import type { Outcome, Prober } from '@probekit/core';
import { numberIn, optionsOf } from './common.js';

export interface HeapUsageOptions {
  /**
   * The share of V8's heap limit (`--max-old-space-size`, or V8's default) in use above which a run fails.
   * @default 0.9
   */
  readonly maxRatio?: number;
}

/**
 * Fails when the used V8 heap exceeds `maxRatio` of the heap limit. observedValue: the ratio
 * (unit `ratio`, 0–1). Reads `v8.getHeapStatistics()`: no timer, no sampling, nothing to stop.
 */
export function heapUsage(options?: HeapUsageOptions): Prober {
  const o = optionsOf('heapUsage', options, ['maxRatio']);
  const maxRatio = numberIn('heapUsage.maxRatio', o['maxRatio'], 0.9, { min: 0, max: 1, exclusiveMin: true });
  return {
    kind: 'heapUsage',
    target: 'node:heap',
    identity: { kind: 'heapUsage', maxRatio },
    componentType: 'system',
    async run(): Promise<Outcome> {
      // node:v8 on first use, not when the SDK loads: ~30 internal modules an app without this check never needs.
      const { used_heap_size: used, heap_size_limit: limit } = process
        .getBuiltinModule('node:v8')
        .getHeapStatistics();
      const ratio = Math.round((used / limit) * 10_000) / 10_000;
      if (ratio <= maxRatio) return { ok: true, observedValue: ratio, observedUnit: 'ratio' };
      return {
        ok: false,
        output: `heap ${mebibytes(used)} used of a ${mebibytes(limit)} limit (${percent(ratio)}), above ${percent(maxRatio)}`,
        observedValue: ratio,
        observedUnit: 'ratio',
      };
    },
  };
}

function mebibytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
