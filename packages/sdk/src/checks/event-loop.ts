// The process's own event-loop delay: a perf_hooks histogram read and reset by each run, compared at a percentile.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { Outcome, Prober } from '@probekit/core';
import { abortReason, numberIn, optionsOf } from './common.js';

export interface EventLoopDelayOptions {
  /**
   * The percentile of the delays since the previous run compared with `maxMs`. 99 sees sustained
   * lag; a single stall is one sample among hundreds, so use 100 (the maximum) to catch stalls.
   * @default 99
   */
  readonly percentile?: number;
  /**
   * The delay, in ms, above which a run fails.
   * @default 500
   */
  readonly maxMs?: number;
  /**
   * How often, in ms, the histogram samples the loop; the lower, the finer and the costlier.
   * @default 10
   */
  readonly resolutionMs?: number;
}

/**
 * Fails when the event loop's delay at `percentile` since the previous run exceeds `maxMs`.
 * observedValue: that delay in ms (the sampling interval subtracted, so an idle loop reads ~0).
 * The histogram is enabled by the first run, which samples for 10 × `resolutionMs` to have
 * evidence, and disabled by `dispose()` (the engine's stop or the check's removal); a later run re-enables it.
 */
export function eventLoopDelay(options?: EventLoopDelayOptions): Prober {
  const o = optionsOf('eventLoopDelay', options, ['percentile', 'maxMs', 'resolutionMs']);
  const percentile = numberIn('eventLoopDelay.percentile', o['percentile'], 99, {
    min: 0,
    max: 100,
    exclusiveMin: true,
  });
  const maxMs = numberIn('eventLoopDelay.maxMs', o['maxMs'], 500, {
    min: 0,
    max: 3_600_000,
    exclusiveMin: true,
  });
  const resolutionMs = numberIn('eventLoopDelay.resolutionMs', o['resolutionMs'], 10, {
    min: 1,
    max: 10_000,
    integer: true,
  });
  const monitor = new LoopMonitor(resolutionMs);
  return {
    kind: 'eventLoopDelay',
    target: `node:event-loop p${percentile}`,
    identity: { kind: 'eventLoopDelay', percentile, maxMs, resolutionMs },
    componentType: 'system',
    async run(signal): Promise<Outcome> {
      const sample = await monitor.take(signal, percentile);
      if (!sample) return { ok: false, output: `event loop delay: ${abortReason(signal)} while sampling` };
      if (sample.delayMs <= maxMs) return { ok: true, observedValue: sample.delayMs, observedUnit: 'ms' };
      return {
        ok: false,
        output:
          `event loop delay p${percentile} ${sample.delayMs} ms is above ${maxMs} ms ` +
          `(max ${sample.maxMs} ms, ${sample.count} samples in ${Math.round(sample.windowMs)} ms)`,
        observedValue: sample.delayMs,
        observedUnit: 'ms',
      };
    },
    dispose: () => monitor.disable(),
  };
}

interface Sample {
  readonly delayMs: number;
  readonly maxMs: number;
  readonly count: number;
  readonly windowMs: number;
}

/** Owns the histogram: enabled on demand, read and reset by each take, disabled on dispose. */
class LoopMonitor {
  readonly #resolutionMs: number;
  readonly #histogram: IntervalHistogram;
  /** When the current window began; undefined while the histogram is disabled. */
  #windowStart: number | undefined;

  constructor(resolutionMs: number) {
    this.#resolutionMs = resolutionMs;
    this.#histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  }

  /** The delays since the previous take, or undefined if the signal fired while a fresh histogram warmed up. */
  async take(signal: AbortSignal, percentile: number): Promise<Sample | undefined> {
    if (this.#windowStart === undefined) {
      this.#histogram.enable();
      this.#windowStart = performance.now();
      if (!(await sleep(10 * this.#resolutionMs, signal))) return undefined;
    }
    const end = performance.now();
    const sample = {
      delayMs: this.#delayMs(this.#histogram.percentile(percentile)),
      maxMs: this.#delayMs(this.#histogram.max),
      count: this.#histogram.count,
      windowMs: end - this.#windowStart,
    };
    this.#histogram.reset();
    this.#windowStart = end;
    return sample;
  }

  // The histogram records whole intervals in ns; the delay is what exceeds the interval.
  #delayMs(nanoseconds: number): number {
    return Math.max(0, Math.round((nanoseconds / 1e6 - this.#resolutionMs) * 1000) / 1000);
  }

  disable(): void {
    this.#histogram.disable();
    this.#histogram.reset();
    this.#windowStart = undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
