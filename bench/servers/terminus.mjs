// @godaddy/terminus on node:http; `GET /ready` runs its check on every request (terminus has no background checks).
// argv[3]: `instant` (a check that resolves at once) or `1ms` (one that takes 1 ms, like a fast dependency ping).
import http from 'node:http';
import { createTerminus } from '@godaddy/terminus';

const port = Number(process.argv[2]);
const check =
  process.argv[3] === '1ms' ? () => new Promise((resolve) => setTimeout(resolve, 1)) : async () => {};
const server = http.createServer((_request, response) => response.end('ok'));
createTerminus(server, { healthChecks: { '/ready': check }, logger: () => {} });
server.listen(port, '127.0.0.1');
