// A node:http app: its own `/ok` route, and `/busy?ms=N` that holds the event loop N ms (an app's CPU-bound
// request). argv: port checks targetPort periodSeconds metrics(0|1). With checks > 0 the SDK's node:http handler
// answers the probe paths in front of the app, with that many checks; with 0 the SDK is never loaded, and this
// is the bare node:http server every ratio is taken against.
// Servers are plain JavaScript started by plain `node`, as users run them: no loader skews start time or RSS.
import http from 'node:http';

const [port, checkCount, targetPort, periodSeconds, metrics] = process.argv.slice(2).map(Number);
const OK = { 'content-type': 'text/plain; charset=utf-8', 'content-length': '2' };

const app = (request, response) => {
  if (request.url.startsWith('/busy')) {
    const until = performance.now() + Number(new URL(request.url, 'http://x').searchParams.get('ms'));
    while (performance.now() < until);
  }
  response.writeHead(200, OK);
  response.end('ok');
};

let handler = app;
if (checkCount > 0) {
  const { createHealth } = await import('@probekit/sdk');
  const { createHandler } = await import('@probekit/sdk/node');
  const { makeChecks } = await import('./sdk-checks.mjs');
  const checks = makeChecks(checkCount, targetPort, { periodSeconds, mixed: true });
  const registry = metrics ? new (await import('prom-client')).Registry() : undefined;
  const probes = createHandler(createHealth({ checks, ...(registry && { metrics: { registry } }) }), {
    metrics: Boolean(metrics),
  });
  handler = (request, response) => probes(request, response) || app(request, response);
}
http.createServer(handler).listen(port, '127.0.0.1');
