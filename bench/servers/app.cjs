// A node:http app: its own `/ok` route, and `/busy?ms=N` that holds the event loop N ms (an app's CPU-bound
// request). argv: port checks targetPort periodSeconds metrics(0|1). With checks > 0 the SDK's node:http handler
// answers the probe paths in front of the app, with that many checks; with 0 the SDK is never loaded, and this
// is the bare node:http server every ratio is taken against.
// CommonJS with `require('node:http')`: the cheapest node:http server there is. (On Node 22+ an ESM
// `import … from 'node:http'` costs ~40 ms and ~13 MB more: the import reads every export, and a lazy getter among
// them loads undici, tls and http2.) Plain JavaScript started by plain `node`: no loader skews start time or RSS.
const http = require('node:http');

const [port, checkCount, targetPort, periodSeconds, metrics] = process.argv.slice(2).map(Number);
const OK = { 'content-type': 'text/plain; charset=utf-8', 'content-length': '2' };

function app(request, response) {
  if (request.url.startsWith('/busy')) {
    const until = performance.now() + Number(new URL(request.url, 'http://x').searchParams.get('ms'));
    while (performance.now() < until);
  }
  response.writeHead(200, OK);
  response.end('ok');
}

async function main() {
  let handler = app;
  if (checkCount > 0) {
    const { createHealth } = await import('@probekit/sdk');
    const { createHandler } = await import('@probekit/sdk/node');
    const { makeChecks } = await import('./sdk-checks.mjs');
    const checks = makeChecks(checkCount, targetPort, { periodSeconds, mixed: true });
    const registry = metrics ? new (require('prom-client').Registry)() : undefined;
    const probes = createHandler(createHealth({ checks, ...(registry && { metrics: { registry } }) }), {
      metrics: Boolean(metrics),
    });
    handler = (request, response) => probes(request, response) || app(request, response);
  }
  http.createServer(handler).listen(port, '127.0.0.1');
}
main();
