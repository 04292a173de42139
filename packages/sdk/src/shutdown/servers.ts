// The servers a shutdown closes: node http(s)/http2 servers, or apps that own one (fastify), and how each closes.
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Server as HttpsServer } from 'node:https';
import { InvalidOptionError } from '../errors.js';

/** A node http, https or http2 server (http2 ones are closed without the keep-alive handling of HTTP/1.1). */
export type NodeServer = HttpServer | HttpsServer | Http2Server | Http2SecureServer;

/** What `health.attach()` takes: a node http(s) server, or an app that owns one and closes it (a fastify instance). */
export type AttachableServer = NodeServer | { readonly server: NodeServer; close(): PromiseLike<unknown> };

export interface Closable {
  readonly node: NodeServer;
  /** Closed after the afterClose hooks (the standalone probe server), not with the app's servers. */
  readonly closeLast: boolean;
  /** Stops accepting and resolves once every connection ended. */
  close(): Promise<void>;
}

/** Recognises a server `attach()` accepts; anything else is an InvalidOptionError at `path`. */
export function toClosable(server: AttachableServer, path: string, closeLast: boolean): Closable {
  // An app first: a fastify instance has its own close(), which runs the app's onClose hooks.
  if (typeof server === 'object' && server !== null && 'server' in server && isNodeServer(server.server)) {
    if (typeof server.close !== 'function') {
      throw new InvalidOptionError(path, 'must have a close() method, as a fastify instance does', server);
    }
    return { node: server.server, closeLast, close: async () => void (await server.close()) };
  }
  if (isNodeServer(server)) {
    return {
      node: server,
      closeLast,
      // A server that is not listening calls back with ERR_SERVER_NOT_RUNNING: closed is closed.
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }
  throw new InvalidOptionError(
    path,
    'must be an http(s).Server or an app with `server` and `close()` (fastify)',
    server,
  );
}

function isNodeServer(value: unknown): value is NodeServer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as NodeServer).close === 'function' &&
    typeof (value as NodeServer).prependListener === 'function' &&
    typeof (value as NodeServer).listening === 'boolean'
  );
}

// http2 servers have neither: their sessions end with close() or with the process.
export function closeIdleConnections(server: NodeServer): void {
  (server as Partial<HttpServer>).closeIdleConnections?.();
}

export function closeAllConnections(server: NodeServer): void {
  (server as Partial<HttpServer>).closeAllConnections?.();
}

// From the drain on, every response ends its connection, so keep-alive clients reconnect (elsewhere, once
// endpoints caught up) and no idle socket is left for close() to race with a client's next request.
// HTTP/2 has no Connection header.
function connectionClose(request: IncomingMessage, response: ServerResponse): void {
  if (request.httpVersionMajor === 1 && !response.headersSent) response.setHeader('connection', 'close');
}

export function markConnectionClose(server: NodeServer): void {
  (server as HttpServer).prependListener('request', connectionClose);
}
