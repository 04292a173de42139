// The dependency the checks probe: an HTTP server on 127.0.0.1 (a TCP check connects to the same port).
// stdin lines switch it: `down` (stop listening: connections are refused), `hang` (accept, never answer), `up`.
// Each switch is acknowledged on stdout once applied, so the harness can time from that moment.
import http from 'node:http';
import { createInterface } from 'node:readline';

let mode = 'up';
let port = Number(process.argv[2] ?? 0);
const server = http.createServer((_request, response) => {
  if (mode === 'hang') return;
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('ok');
});
server.listen(port, '127.0.0.1', () => {
  port = server.address().port;
  console.log(`listening ${port}`);
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const next = line.trim();
  const acknowledge = () => console.log(`mode ${next}`);
  if (next === 'down' && server.listening) {
    server.close(); // the listening socket closes at once; open connections are cut below
    server.closeAllConnections();
  } else if (next !== 'down' && !server.listening) {
    mode = next;
    server.listen(port, '127.0.0.1', acknowledge);
    return;
  }
  mode = next;
  setImmediate(acknowledge);
});
process.stdin.on('end', () => process.exit(0));
