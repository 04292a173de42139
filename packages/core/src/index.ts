// @probekit/core: the engine shared by the SDK and the sidecar.
// Kept in the declarations: TypeScript 6+ loads @types/node only when something asks for it.
/// <reference types="node" preserve="true" />
export {
  ANSWER_HEADERS,
  type Answer,
  type AnswerOptions,
  answer,
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  PROBE_PATHS,
  type ProbeRequest,
  wireHeaders,
} from './answer.js';
export {
  abortReason,
  elapsedMs,
  errorMessage,
  type OptionErrorFactory,
  optionsObject,
} from './checks/common.js';
export { fn } from './checks/function.js';
export * from './checks/index.js';
export { manual } from './checks/manual.js';
export {
  CHECK_DEFAULTS,
  CHECK_NAME,
  resolveCheck,
  resolveChecks,
  sameDefinition,
} from './definition.js';
export { type DiscardedRun, Engine, type EngineEvents, type EngineOptions } from './engine.js';
export * from './errors.js';
export {
  fieldValue,
  fits,
  LISTEN_PORT_FIELD,
  MAX_SECONDS,
  type NumberField,
  PORT_FIELD,
  secondsField,
  TIMING_FIELDS,
} from './fields.js';
export { METRIC_NAMES, registerMetrics } from './metrics.js';
export { cap, MAX_REASON_LENGTH, redact } from './redact.js';
export { type RunEnd, runProber } from './run.js';
export { applyResult, kindState, passesFor, statusFor, type ThresholdState } from './state.js';
export { closestName } from './suggest.js';
export * from './types.js';
export { VERSION } from './version.js';
