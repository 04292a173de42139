// Bare node:http answering `ok`: the ceiling every probe endpoint is compared with.
// Servers are plain JavaScript started by plain `node`, as users run them: no loader skews start time or RSS.
import http from 'node:http';

const port = Number(process.argv[2]);
http
  .createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('ok');
  })
  .listen(port, '127.0.0.1');
