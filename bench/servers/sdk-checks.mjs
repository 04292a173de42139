// The checks of the SDK fixtures: n TCP checks at a 1 s period against the harness's target.
// argv of every SDK fixture: port checkCount targetPort.
import { tcpSocket } from '@probekit/sdk';

const [port, count, targetPort] = process.argv.slice(2).map(Number);

export { port };
export const checks = Array.from({ length: count }, (_, i) => ({
  name: `dependency-${i}`,
  check: tcpSocket({ host: '127.0.0.1', port: targetPort }),
  periodSeconds: 1,
}));
