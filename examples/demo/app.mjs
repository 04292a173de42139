// The demo app: /healthz flips between 200 and 503, and a ready-file comes and goes, so the sidecar has something to see.
import { rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';

/** Starts the app on a free loopback port; `flipMs` is how long each state lasts. */
export async function startDemoApp({ readyFile, flipMs }) {
  let healthy = true;
  let ticks = 0;
  const server = http.createServer((request, response) => {
    if (request.url === '/healthz') {
      response
        .writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' })
        .end(healthy ? 'ok\n' : 'overloaded\n');
    } else {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('hello from the demo app\n');
    }
  });
  writeFileSync(readyFile, 'ready\n');
  // Health flips every tick; the ready-file is there two ticks out of three.
  const timer = setInterval(() => {
    ticks++;
    healthy = !healthy;
    if (ticks % 3 === 2) rmSync(readyFile, { force: true });
    else writeFileSync(readyFile, 'ready\n');
  }, flipMs);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    healthy: () => healthy,
    close() {
      clearInterval(timer);
      rmSync(readyFile, { force: true });
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
