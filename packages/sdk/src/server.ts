// A probe server of probekit's own, on node:http: the SDK's listen() port and the sidecar's. Its limits are
// deliberate: whoever can reach a probe port must not be able to hold it, or the kubelet's next probe times out.
import type { IncomingMessage, Server } from 'node:http';
import { NOT_FOUND } from '@probekit/core';
import { probeRequest, type Responder, respond, sendWhenReady } from './response.js';

// node:http taken from node, never imported: on Node 22+ an ESM import of it reads every export for its facade, and
// the lazy `WebSocket` getter among them loads undici, tls and http2 (~13 MB of RSS, tens of ms) for every importer.
const { createServer } = process.getBuiltinModule('node:http');

/** Limits of a probe server. */
export const SERVER_LIMITS = Object.freeze({
  connectionTimeoutMs: 10_000, // a socket with no activity this long is closed
  headersTimeoutMs: 5_000, // the request head must arrive within this (node's default: 60 s)
  requestTimeoutMs: 5_000, // the whole request must arrive within this (node's default: 300 s)
  keepAliveTimeoutMs: 5_000, // an idle keep-alive socket is closed after this (probes and scrapes rarely reuse one)
  connectionsCheckingIntervalMs: 1_000, // how often the two timeouts above are enforced (node's default: 30 s)
  maxHeaderSize: 8 * 1024, // bytes of request head (node's default: 16 KiB)
});

/** An http.Server answering the probe paths (and `/metrics` if the responder serves it); anything else is 404. */
export function createProbeServer(responder: Responder): Server {
  const server = createServer(
    {
      headersTimeout: SERVER_LIMITS.headersTimeoutMs,
      requestTimeout: SERVER_LIMITS.requestTimeoutMs,
      keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
      connectionsCheckingInterval: SERVER_LIMITS.connectionsCheckingIntervalMs,
      maxHeaderSize: SERVER_LIMITS.maxHeaderSize,
    },
    (req, res) => {
      // A body is never read: the request is answered (405, for GET and HEAD carry none) and its connection
      // closes, instead of node reading the rest to reuse it.
      if (hasBody(req)) res.setHeader('connection', 'close');
      sendWhenReady(res, respond(responder, probeRequest(req)) ?? NOT_FOUND, req.method === 'HEAD');
    },
  );
  server.setTimeout(SERVER_LIMITS.connectionTimeoutMs);
  return server;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Listens on `port` and `host` (all interfaces when undefined); rejects if it cannot. */
export function listenOn(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
