// The checks of the SDK fixtures, against the harness's target. `mixed`: tcpSocket, httpGet and a function
// check in turn (an app's usual trio: a database port, a downstream API, a client's own ping); else all TCP.
import { httpGet, tcpSocket } from '@probekit/sdk';

/** `count` checks at `periodSeconds` against 127.0.0.1:`targetPort`. */
export function makeChecks(count, targetPort, { periodSeconds = 1, mixed = false } = {}) {
  const target = { host: '127.0.0.1', port: targetPort };
  const kinds = [
    (i) => ({ name: `database-${i}`, check: tcpSocket(target) }),
    (i) => ({ name: `api-${i}`, check: httpGet({ ...target, path: '/healthz' }) }),
    (i) => ({ name: `client-${i}`, check: async () => {} }),
  ];
  return Array.from({ length: count }, (_, i) => ({
    ...(mixed ? kinds[i % kinds.length] : kinds[0])(i),
    periodSeconds,
  }));
}

/** argv of the throughput fixtures: port checkCount targetPort. */
export function fixtureArgs() {
  const [port, count, targetPort] = process.argv.slice(2).map(Number);
  return { port, checks: makeChecks(count, targetPort) };
}
