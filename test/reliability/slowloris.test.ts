// Slowloris against the sidecar and every SDK adapter at once: hundreds of connections each sending a request
// head one byte at a time. A normal probe must still answer within the kubelet's 1 s while the attack runs; and
// where probekit owns the server (the sidecar, the SDK's listen() port) its deliberate header timeout must close
// the slow connections. On the app's own server (fastify, express, node:http) that timeout is the app's setting.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROBE_SERVERS, type ProbeServers, startProbeServers } from './support/probe-servers.js';
import { exchange, parseResponses } from './support/wire.js';

const ATTACKERS = 500;
const ATTACK_MS = 8000;
/** Where the server is probekit's: a request head must arrive within 5 s, checked every 1 s (SERVER_LIMITS). */
const OWNED = new Set<string>(['sidecar', 'listen']);

interface Attack {
  /** Attack connections the server closed. */
  readonly closedByServer: () => number;
  stop(): void;
}

function slowloris(port: number, count: number): Attack {
  const sockets: net.Socket[] = [];
  let closedByServer = 0;
  let stopping = false;
  for (let i = 0; i < count; i++) {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!stopping) closedByServer++;
    });
    socket.on('connect', () => socket.write(`GET /readyz HTTP/1.1\r\nHost: x\r\nX-Slow-${i}: `));
    sockets.push(socket);
  }
  const drip = setInterval(() => {
    for (const socket of sockets) if (!socket.destroyed && socket.writable) socket.write('a');
  }, 500);
  return {
    closedByServer: () => closedByServer,
    stop() {
      stopping = true;
      clearInterval(drip);
      for (const socket of sockets) socket.destroy();
    },
  };
}

describe('slowloris', { concurrency: true }, () => {
  let servers: ProbeServers;
  before(async () => {
    servers = await startProbeServers();
  });
  after(() => servers?.stop());

  for (const target of PROBE_SERVERS) {
    const owned = OWNED.has(target);
    it(`${target}: ${ATTACKERS} byte-a-time clients do not hold up a probe${owned ? ', and are cut off by the header timeout' : ''}`, async (t) => {
      const port = servers.ports.get(target)!;
      const attack = slowloris(port, ATTACKERS);
      const latencies: number[] = [];
      try {
        const end = performance.now() + ATTACK_MS;
        while (performance.now() < end) {
          const started = performance.now();
          const result = await exchange(port, 'GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n', {
            // Well inside the 5 s header timeout that cuts the attackers off: an answer proves the probe got through.
            timeoutMs: 3000,
            halfClose: true,
          });
          latencies.push(performance.now() - started);
          const status = result.timedOut ? 'no answer within 3 s' : parseResponses(result.bytes)[0]?.status;
          assert.ok(status === 200 || status === 503, `a probe during the attack got ${status}`);
          await sleep(100);
        }
        t.diagnostic(
          `${target}: slowest probe ${Math.round(Math.max(...latencies))} ms; server closed ${attack.closedByServer()} of ${ATTACKERS}`,
        );
        if (owned) {
          // Sent 5 s of drip and more: every head is overdue, and the timeout is checked every second.
          assert.ok(
            attack.closedByServer() >= ATTACKERS * 0.99,
            `the server closed only ${attack.closedByServer()} of ${ATTACKERS} slow connections in ${ATTACK_MS} ms`,
          );
        }
      } finally {
        attack.stop();
      }
    });
  }
});
