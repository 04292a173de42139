// @probekit/sdk/internal: what the sidecar builds its server and its shutdown from. For probekit's own
// packages, not for apps: it follows their releases, with no promise of stability.
/// <reference types="node" preserve="true" />

export { registerDefaultMetrics } from './metrics.js';
export { probeRequest, type Responder, respond, send, sendWhenReady } from './response.js';
export { createProbeServer, listenOn, SERVER_LIMITS } from './server.js';
export { resolveShutdown } from './shutdown/options.js';
export {
  SHUTDOWN_CHECK,
  SHUTTING_DOWN,
  Shutdown,
  type ShutdownHost,
  signalExitCode,
} from './shutdown/sequence.js';
export { logStates, type StateLog } from './state-log.js';
