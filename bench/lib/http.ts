// The harness's own HTTP client: one request with its status and time, and polling until a status.
import http from 'node:http';
import { sleep } from './proc.js';

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** One GET; resolves with the status (0 when the connection failed) and how long it took in ms. */
export function get(
  url: string,
  options: { keepAlive?: boolean; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; ms: number; body: string }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const request = http.get(
      url,
      { agent: options.keepAlive ? keepAlive : false, headers: options.headers ?? {} },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, ms: performance.now() - start, body }),
        );
        response.on('error', () => resolve({ status: 0, ms: performance.now() - start, body }));
      },
    );
    request.setTimeout(options.timeoutMs ?? 2000, () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ status: 0, ms: performance.now() - start, body: '' }));
  });
}

/**
 * Polls `url` every `intervalMs` until it answers `status`; resolves with the time of that answer
 * (performance.now()), or rejects after `timeoutMs`.
 */
export async function until(
  url: string,
  status: number,
  options: { intervalMs?: number; timeoutMs?: number; keepAlive?: boolean } = {},
): Promise<number> {
  const deadline = performance.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const answer = await get(url, { keepAlive: options.keepAlive ?? false, timeoutMs: 1000 });
    if (answer.status === status) return performance.now();
    if (performance.now() > deadline)
      throw new Error(`${url} did not answer ${status} in time (last: ${answer.status})`);
    await sleep(options.intervalMs ?? 5);
  }
}

/** Closes the keep-alive sockets so the harness can exit. */
export function closeClients(): void {
  keepAlive.destroy();
}
