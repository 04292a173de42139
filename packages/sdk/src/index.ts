// @probekit/sdk: health for Node services. One import gives createHealth(), every check kind and the client checks.
// Kept in the declarations: TypeScript 6+ loads @types/node only when something asks for it.
/// <reference types="node" preserve="true" />
export * from '@probekit/core';
export * from './checks/index.js';
export { InvalidOptionError, SDK_ERROR_CODES } from './errors.js';
export { createHealth, Health, type HealthEvents, type ShutdownPhaseEvent } from './health.js';
export { BUILTIN_CHECKS, type HealthOptions } from './health-options.js';
export { jsonLogger, type Logger } from './logger.js';
export { NONCONFORMING_DEFAULT_METRICS, registerDefaultMetrics } from './metrics.js';
export {
  type HookPhase,
  SHUTDOWN_DEFAULTS,
  type ShutdownHook,
  type ShutdownOptions,
  type ShutdownPhase,
  type ShutdownResult,
} from './shutdown/options.js';
export type { AttachableServer, NodeServer } from './shutdown/servers.js';
