// The express/connect adapter: the node:http handler as middleware; anything that is not a probe goes to next().
/// <reference types="node" preserve="true" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Health } from '../health.js';
import { createHandler, type HandlerOptions } from './node.js';

/** Connect-style middleware; express's `app.use()` takes it, mounted at `/` or under a prefix. */
export type HealthMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Middleware answering `/livez`, `/readyz`, `/startupz`, `/healthz`, `/<kind>/<check>`, the status page
 * (and `/metrics` when asked); it starts the health. Mounted under a prefix, it sees paths below it.
 */
export function healthMiddleware(health: Health, options: HandlerOptions = {}): HealthMiddleware {
  const handle = createHandler(health, options);
  return (req, res, next) => {
    if (!handle(req, res)) next();
  };
}
