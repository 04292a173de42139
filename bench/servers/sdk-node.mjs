// The SDK's node:http handler composed with the app's own handler, as an app would.
import http from 'node:http';
import { createHealth } from '@probekit/sdk';
import { createHandler } from '@probekit/sdk/node';
import { fixtureArgs } from './sdk-checks.mjs';

const { port, checks } = fixtureArgs();

const probes = createHandler(createHealth({ checks }));
http
  .createServer((request, response) => {
    if (probes(request, response)) return;
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('ok');
  })
  .listen(port, '127.0.0.1');
