// The `tcpSocket` kind, after the kubelet's pkg/probe/tcp: success iff a connection is established; nothing is sent.
import { connect } from 'node:net';
import type { Outcome, Prober } from '../types.js';
import { abortReason, elapsedMs, errorMessage, host, hostPort, optionsObject, port } from './common.js';

/** Options of the `tcpSocket` kind: a Kubernetes TCPSocketAction. */
export interface TcpSocketOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** An integer 1-65535. */
  readonly port: number;
}

/** A kubelet-style TCP probe: connect, then close at once. observedValue is the connect time. */
export function tcpSocket(options: TcpSocketOptions): Prober {
  const o = optionsObject('tcpSocket', options, ['host', 'port']);
  const hostname = host('tcpSocket.host', o['host']);
  const portNumber = port('tcpSocket.port', o['port']);
  const address = hostPort(hostname, portNumber);
  return {
    kind: 'tcpSocket',
    target: `tcp://${address}`,
    identity: { kind: 'tcpSocket', host: hostname, port: portNumber },
    componentType: 'component',
    run(signal) {
      return new Promise<Outcome>((resolve) => {
        if (signal.aborted) return resolve({ ok: false, output: `dial ${address}: ${abortReason(signal)}` });
        const start = performance.now();
        const socket = connect({ host: hostname, port: portNumber });
        const finish = (outcome: Outcome) => {
          signal.removeEventListener('abort', onAbort);
          socket.destroy();
          resolve(outcome);
        };
        const onAbort = () => finish({ ok: false, output: `dial ${address}: ${abortReason(signal)}` });
        signal.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () =>
          finish({ ok: true, observedValue: elapsedMs(start), observedUnit: 'ms' }),
        );
        socket.once('error', (error) => finish({ ok: false, output: errorMessage(error) }));
      });
    },
  };
}
