// What the client-check tests share: finding the real services, waiting for a condition, readiness through a real Engine.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { answer, Engine, type Prober } from '@probekit/core';
import type { TcpProxy } from './tcp-proxy.js';

/**
 * Whether a service answers on 127.0.0.1:`port`. When it does not, says so loudly and, under CI,
 * throws: a missing service must never turn a CI run green.
 */
export async function serviceAvailable(name: string, port: number): Promise<boolean> {
  const up = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  if (up) return true;
  const message = `${name} is not running on 127.0.0.1:${port}: its client-check tests are SKIPPED`;
  if (process.env['CI'] === 'true') throw new Error(`${message} — and CI=true, so this is a failure`);
  console.warn(`\n!!! ${message}\n`);
  return false;
}

/** Polls `probe` until it returns a value other than undefined, for at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Runs `prober` in a real Engine (period 0.2 s, failure threshold 2, timeout 0.3 s) and walks it
 * through a fault: ready (200), `fault` on the proxy, not ready (503, the reason in the verbose
 * answer), restore, ready again. Returns the verbose body seen while failing.
 */
export async function readinessThroughFault(
  prober: Prober,
  proxy: TcpProxy,
  fault: 'cut' | 'blackhole',
): Promise<string> {
  const engine = new Engine({
    checks: [{ name: 'dep', check: prober, periodSeconds: 0.2, timeoutSeconds: 0.3, failureThreshold: 2 }],
    random: () => 0,
  });
  const readyz = () => answer(engine.snapshot(), { url: '/readyz?verbose' });
  const statusIs = (status: number) => () => {
    const got = readyz();
    return got?.status === status ? got.body : undefined;
  };
  engine.start();
  try {
    await waitFor('readiness 200 before the fault', statusIs(200));
    if (fault === 'cut') await proxy.cut();
    else proxy.blackhole();
    const failing = await waitFor('readiness 503 after the fault', statusIs(503));
    assert.match(failing, /\[-\]dep failed: /);
    await proxy.restore();
    await waitFor('readiness 200 after restore', statusIs(200));
    return failing;
  } finally {
    await engine.stop();
  }
}
