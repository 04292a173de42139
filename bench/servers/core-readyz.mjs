// probekit's engine behind bare node:http with the one answer() function: the in-process reference of the
// reaction section (what every SDK adapter does), independent of the SDK and the sidecar.
// argv: port kind(tcp|http) targetPort periodSeconds failureThreshold timeoutSeconds
import http from 'node:http';
import { answer, Engine, httpGet, tcpSocket } from '@probekit/core';

const [port, kind, targetPort, periodSeconds, failureThreshold, timeoutSeconds] = process.argv.slice(2);
const target = { host: '127.0.0.1', port: Number(targetPort) };
const engine = new Engine({
  checks: [
    {
      name: 'dependency',
      check: kind === 'http' ? httpGet({ ...target, path: '/' }) : tcpSocket(target),
      periodSeconds: Number(periodSeconds),
      failureThreshold: Number(failureThreshold),
      timeoutSeconds: Number(timeoutSeconds),
    },
  ],
});
engine.start();
http
  .createServer((request, response) => {
    const reply = answer(engine.snapshot(), {
      method: request.method,
      url: request.url ?? '/',
      accept: request.headers.accept,
    });
    if (!reply) return response.writeHead(404).end();
    response.writeHead(reply.status, reply.headers).end(reply.body);
  })
  .listen(Number(port), '127.0.0.1');
