// @probekit/sidecar: the `probekit` CLI's building blocks, for embedding and for tests.
/// <reference types="node" preserve="true" />
export {
  type LoadOptions,
  loadConfig,
  SERVER_DEFAULTS,
  type ServerSettings,
  type SidecarConfig,
} from './config/load.js';
export { parseConfigText } from './config/read.js';
export { CONFIG_SCHEMA } from './config/schema.js';
export {
  ConfigError,
  type ConfigProblem,
  EXIT,
  formatProblem,
  SIDECAR_ERROR_CODES,
  UsageError,
} from './errors.js';
export { createLogger, type Level, type Logger } from './log.js';
export { createRegistry } from './metrics.js';
export { createProbeServer, type ProbeServerOptions, SERVER_LIMITS } from './server.js';
export { type Overrides, type Sidecar, type SidecarOptions, startSidecar, type Trigger } from './sidecar.js';
