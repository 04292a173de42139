// One GET under load, as the reliability tests count answers: status, body, and whether probekit wrote it
// (its answers carry `Cache-Control: no-store`; node's own error answers do not).
import { type Agent, request as httpRequest } from 'node:http';

/** GETs `url` through `agent` (false: a fresh connection); rejects on a connection error or after 2 s. */
export function get(url: string, agent: Agent | false) {
  return new Promise<{ status: number; body: string; ours: boolean }>((resolve, reject) => {
    const req = httpRequest(url, { agent, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, ours: res.headers['cache-control'] === 'no-store' }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', reject);
    req.end();
  });
}
