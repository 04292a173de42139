// SIGTERM under load, observed from outside. A load balancer's keep-alive pool loads one URL until it has seen
// readiness fail (plus its own reaction time); kubelet-like pollers open a fresh connection per probe on
// /readyz (and /livez) until the port is gone. Shared by the SIGTERM test and `npm run soak`.
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServe, tcpTarget, tempDir } from '../../sidecar/helpers.js';
import { get } from './get.js';

export interface DrainTarget {
  /** Sends SIGTERM. */
  readonly signal: () => void;
  /** Resolves once the process said it is shutting down (after readiness flipped). */
  readonly announced: () => Promise<unknown>;
  readonly exited: Promise<{ code: number | null }>;
  /** The load balancer's traffic: every request must be answered 200. */
  readonly loadUrl: string;
  readonly readyUrl: string;
  /** Polled like readiness; must answer 200 until the port closes. */
  readonly liveUrl?: string;
}

export interface DrainReport {
  /** Load requests that failed, and probe answers that did not come from answer() (no `cache-control`). */
  readonly failures: readonly string[];
  readonly served: number;
  readonly servedAfterSignal: number;
  /** Readiness and liveness answers as they changed: `200`, `503`, then `refused` or `reset` once closing. */
  readonly readiness: readonly string[];
  readonly liveness: readonly string[];
  /** Readiness answers to requests sent after the process announced the shutdown, that were not 503. */
  readonly readyAfterAnnounced: number;
  /** From the signal to the first 503 received, in ms. */
  readonly flipMs: number | undefined;
  /** From the signal to the exit, in ms. */
  readonly exitMs: number;
  readonly exitCode: number | null;
}

/** A load balancer stops sending this long after it sees readiness fail (endpoint removal takes a moment). */
const LB_REACTION_MS = 300;

/** Loads `target`, waits `warmMs`, sends SIGTERM, and watches until it exits. */
export async function drainUnderLoad(target: DrainTarget, warmMs = 300): Promise<DrainReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const failures: string[] = [];
  let served = 0;
  let servedAfterSignal = 0;
  let signalledAt: number | undefined;
  let flipAt: number | undefined;
  let announcedAt: number | undefined;
  let readyAfterAnnounced = 0;

  const worker = async () => {
    while (flipAt === undefined || performance.now() - flipAt < LB_REACTION_MS) {
      try {
        const reply = await get(target.loadUrl, agent);
        if (reply.status !== 200) failures.push(`load: ${reply.status} ${reply.body}`);
        served++;
        if (signalledAt !== undefined) servedAfterSignal++;
      } catch (error) {
        failures.push(`load: ${(error as Error).message}`);
        return;
      }
    }
  };
  const workers = Array.from({ length: 8 }, worker);

  // Fresh connections until the port is gone; a reset counts as gone too: a connection the kernel had queued
  // when the listener closed is reset, and the process never saw it.
  const poll = async (url: string, seen: string[], onAnswer: (status: number, sentAt: number) => void) => {
    for (;;) {
      const sentAt = performance.now();
      const outcome = await get(url, false).then(
        (reply) => {
          if (!reply.ours) failures.push(`${url}: ${reply.status} not from answer(): ${reply.body}`);
          onAnswer(reply.status, sentAt);
          return String(reply.status);
        },
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ECONNREFUSED') return 'refused';
          if (error.code === 'ECONNRESET') return 'reset';
          failures.push(`${url}: ${error.message}`);
          return 'error';
        },
      );
      if (seen.at(-1) !== outcome) seen.push(outcome);
      if (outcome === 'refused' || outcome === 'error') return;
      await sleep(1);
    }
  };
  const readiness: string[] = [];
  const liveness: string[] = [];
  const pollers = [
    poll(target.readyUrl, readiness, (status, sentAt) => {
      if (status === 503 && signalledAt !== undefined) flipAt ??= performance.now();
      if (announcedAt !== undefined && sentAt > announcedAt && status === 200) readyAfterAnnounced++;
    }),
    ...(target.liveUrl ? [poll(target.liveUrl, liveness, () => {})] : []),
  ];

  await sleep(warmMs);
  signalledAt = performance.now();
  target.signal();
  await target.announced();
  announcedAt = performance.now();
  const exit = await target.exited;
  const exitedAt = performance.now();
  await Promise.all([...workers, ...pollers]);
  agent.destroy();
  return {
    failures,
    served,
    servedAfterSignal,
    readiness,
    liveness,
    readyAfterAnnounced,
    flipMs: flipAt === undefined ? undefined : flipAt - signalledAt,
    exitMs: exitedAt - signalledAt,
    exitCode: exit.code,
  };
}

/** The real sidecar with one passing check and a 1 s shutdown delay, SIGTERMed under load. */
export async function sidecarDrain(): Promise<DrainReport> {
  const temp = tempDir();
  const db = await tcpTarget();
  const file = temp.write(
    'probekit.yaml',
    `checks:\n  - { name: db, tcpSocket: { port: ${db.port} }, periodSeconds: 0.2 }\n`,
  );
  const sidecar = await startServe(['--config', file, '--shutdown-delay', '1s']);
  try {
    while ((await fetch(`${sidecar.url}/readyz`)).status !== 200) await sleep(20);
    return await drainUnderLoad({
      signal: () => sidecar.child.kill('SIGTERM'),
      announced: () => sidecar.waitForLog((line) => line.msg.startsWith('shutting down (')),
      exited: sidecar.exited,
      loadUrl: `${sidecar.url}/livez`,
      readyUrl: `${sidecar.url}/readyz`,
      liveUrl: `${sidecar.url}/livez`,
    });
  } finally {
    await sidecar.kill();
    await db.close();
    temp.remove();
  }
}
